package delivery

import (
	"context"
	"errors"
	"net/mail"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"cognito-custom-message/messages"
)

// Identity is who an email or SMS is from: per brand, else the deployment's defaults.
type Identity struct {
	From             string // "Name <address>" or an address
	ReplyTo          string
	ConfigurationSet string
	SMSSenderID      string
	OriginationNum   string
}

// Identities picks the identity of a brand: its own fields over the default's.
type Identities struct {
	Default Identity
	Brands  map[string]Identity
}

func (ids Identities) of(brand string) Identity {
	id := ids.Default
	b, ok := ids.Brands[brand]
	if !ok {
		return id
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&id.From, b.From}, {&id.ReplyTo, b.ReplyTo}, {&id.ConfigurationSet, b.ConfigurationSet},
		{&id.SMSSenderID, b.SMSSenderID}, {&id.OriginationNum, b.OriginationNum},
	} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	return id
}

// ParseFrom checks an EMAIL_FROM-style value ("Name <address>" or an address) and returns it in
// the form SES takes.
func ParseFrom(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

// SES sends email through SES v2 SendEmail with a simple (multipart/alternative) body.
type SES struct {
	Client *sesv2.Client
	IDs    Identities
}

// SendEmail implements Mailer.
func (s *SES) SendEmail(ctx context.Context, m Email) error {
	id := s.IDs.of(m.Brand)
	body := &sestypes.Body{Html: &sestypes.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")}}
	if m.Text != "" {
		body.Text = &sestypes.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")}
	}
	msg := &sestypes.Message{
		Subject: &sestypes.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")},
		Body:    body,
	}
	if m.Locale != "" {
		msg.Headers = []sestypes.MessageHeader{{Name: aws.String("Content-Language"), Value: aws.String(m.Locale)}}
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(id.From),
		Destination:      &sestypes.Destination{ToAddresses: []string{m.To}},
		Content:          &sestypes.EmailContent{Simple: msg},
		EmailTags: []sestypes.MessageTag{
			{Name: aws.String("source"), Value: aws.String(tagValue(m.Source))},
			{Name: aws.String("brand"), Value: aws.String(tagValue(m.Brand))},
			{Name: aws.String("locale"), Value: aws.String(tagValue(m.Locale))},
		},
	}
	if id.ReplyTo != "" {
		in.ReplyToAddresses = []string{id.ReplyTo}
	}
	if id.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(id.ConfigurationSet)
	}
	_, err := s.Client.SendEmail(ctx, in)
	return classify(err, sesPermanent)
}

// SES errors that retrying the same message cannot fix and an operator need not act on per message:
// the address or the content is refused, or the brand's From identity is not verified (the log's
// error code names it; the alarm on rejections is where an operator sees it). Account-level states
// (AccountSuspended, SendingPaused, LimitExceeded) and a missing configuration set are errors:
// retried, then recorded in the failure queue (failure.go); once fixed, the user asks for a new code.
var sesPermanent = map[string]bool{
	"MessageRejected":           true,
	"MailFromDomainNotVerified": true,
	"BadRequestException":       true,
}

// SNS sends SMS through SNS Publish to a phone number, as a transactional message.
type SNS struct {
	Client *sns.Client
	IDs    Identities
}

// SendSMS implements Texter.
func (s *SNS) SendSMS(ctx context.Context, t Text) error {
	id := s.IDs.of(t.Brand)
	attrs := map[string]snstypes.MessageAttributeValue{
		"AWS.SNS.SMS.SMSType": {DataType: aws.String("String"), StringValue: aws.String("Transactional")},
	}
	if id.SMSSenderID != "" {
		attrs["AWS.SNS.SMS.SenderID"] = snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(id.SMSSenderID)}
	}
	if id.OriginationNum != "" {
		attrs["AWS.MM.SMS.OriginationNumber"] = snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(id.OriginationNum)}
	}
	_, err := s.Client.Publish(ctx, &sns.PublishInput{PhoneNumber: aws.String(t.To), Message: aws.String(t.Body), MessageAttributes: attrs})
	return classify(err, snsPermanent)
}

// SNS errors that mean this number will not take this message.
var snsPermanent = map[string]bool{
	"InvalidParameter":      true,
	"InvalidParameterValue": true,
}

func classify(err error, permanent map[string]bool) error {
	if err == nil {
		return nil
	}
	if code := serviceCode(err); permanent[code] {
		return &Rejection{Code: code, Err: err}
	}
	return err
}

// serviceCode is the AWS error code of err, or a generic word when it has none (network, deadline).
func serviceCode(err error) string {
	var api smithy.APIError
	switch {
	case errors.As(err, &api):
		return api.ErrorCode()
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	}
	return "transport"
}

// tagValue keeps what SES allows in a tag value (letters, digits, _ - .); our values are brand and
// locale names and source names, so this only guards against an empty value.
func tagValue(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return string(out)
}

// BrandIdentities maps the compiled brands' sender fields (brand.json) to identities over def: a
// fromName without a fromEmail names the default address.
func BrandIdentities(bs []messages.Brand, def Identity) map[string]Identity {
	out := make(map[string]Identity, len(bs))
	for _, b := range bs {
		s := b.Sender
		id := Identity{ReplyTo: s.ReplyTo, ConfigurationSet: s.SESConfigurationSet, SMSSenderID: s.SMSSenderID}
		addr := s.FromEmail
		if addr == "" && s.FromName != "" {
			if a, err := mail.ParseAddress(def.From); err == nil {
				addr = a.Address
			}
		}
		if addr != "" {
			id.From = (&mail.Address{Name: s.FromName, Address: addr}).String()
		}
		out[b.Name] = id
	}
	return out
}
