// Package delivery is the custom sender (CustomEmailSender_* and CustomSMSSender_* triggers): it
// renders the message with package trigger exactly as CustomMessage mode does, decrypts the code,
// and delivers the message itself through SES v2 or SNS. cmd ./sender only wires it.
package delivery

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"cognito-custom-message/trigger"
)

// Placeholders given to the trigger's renderer, replaced afterwards by the decrypted code and the
// user name: the renderer then applies every Cognito rule to the message exactly as in
// CustomMessage mode, and the secret never passes through it.
const (
	codePlaceholder     = "{####}"
	usernamePlaceholder = "{username}"
)

// deadlineMargin is the part of the invocation's time kept for logging and returning.
const deadlineMargin = 300 * time.Millisecond

// Outcomes, logged as "outcome".
const (
	OutcomeSent        = "sent"
	OutcomeRejected    = "rejected"    // a permanent refusal by SES/SNS: logged, counted, not retried
	OutcomeUnsupported = "unsupported" // a source this function has no wording for: nothing sent
	OutcomeFailed      = "failed"      // an error returned to Lambda: retried, then the DLQ
)

// Email is one email to send; Code is already in Subject, HTML and Text.
type Email struct {
	To, Subject, HTML, Text string
	Locale                  string // Content-Language
	Brand, Source           string // for tags; no personal data
}

// Text is one SMS to send.
type Text struct {
	To, Body      string
	Brand, Source string
}

// Mailer delivers email (SES v2 in the Lambda).
type Mailer interface {
	SendEmail(ctx context.Context, m Email) error
}

// Texter delivers SMS (SNS in the Lambda).
type Texter interface {
	SendSMS(ctx context.Context, t Text) error
}

// Rejection is a permanent refusal by the delivery service (bad address, unverified sender, …):
// retrying cannot help, so the sender logs it and returns nil.
type Rejection struct {
	Code string // the service's error code
	Err  error
}

func (r *Rejection) Error() string { return "rejected: " + r.Code + ": " + r.Err.Error() }
func (r *Rejection) Unwrap() error { return r.Err }

// Sender handles custom sender events. Build it with New.
type Sender struct {
	render  *trigger.Handler
	decrypt Decrypter
	mail    Mailer
	text    Texter
	log     *slog.Logger
	now     func() time.Time
}

// New builds a Sender. render is the CustomMessage handler whose templates, brands and rules are
// used; log gets one JSON line per invocation.
func New(render *trigger.Handler, d Decrypter, m Mailer, t Texter, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{render: render, decrypt: d, mail: m, text: t, log: log, now: time.Now}
}

// Result is what one invocation did; it carries nothing personal.
type Result struct {
	Outcome   string
	Channel   Channel
	Source    string // CustomMessage source name, "" if unknown
	Brand     string
	Locale    string
	Fallback  string
	ErrorCode string // a short reason: missing_code, invalid_base64, decrypt_failed, render_failed, a service error code
	Decrypt   time.Duration
	Send      time.Duration
}

// Errors returned to Lambda. Their text names the failure, never the code or an address.
var (
	ErrMissingCode   = errors.New("request.code is missing")
	ErrInvalidBase64 = errors.New("request.code is not base64")
	ErrDecrypt       = errors.New("request.code does not decrypt")
	ErrNoMessage     = errors.New("no message could be rendered")
	ErrNoRecipient   = errors.New("no recipient attribute")
)

// Handle is the lambda handler: nil when the message was sent, permanently rejected or is of a
// source this function does not send; an error (Lambda retries, then the DLQ) otherwise.
func (s *Sender) Handle(ctx context.Context, ev Event) error {
	start := s.now()
	// The SDK's retries (backoff on throttling and 5xx) stop before Lambda's own timeout would, so
	// that the failure is ours, logged, and reaches Lambda's retry as an error.
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-deadlineMargin))
		defer cancel()
	}
	r, err := s.safeHandle(ctx, &ev)
	s.logInvocation(ctx, r, err, s.now().Sub(start))
	if r.Outcome == OutcomeFailed {
		return &SendError{Code: r.ErrorCode, Err: err} // failure.go: what the failure recorder reads
	}
	return nil
}

// safeHandle is handle with a panic turned into a failure (Lambda retries it, then the recorder
// records it): left to aws-lambda-go, the panic's value and stack trace, which can quote the event,
// would be the invocation's error and printed raw into the log. Only the value's type is kept.
func (s *Sender) safeHandle(ctx context.Context, ev *Event) (r Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			ch, source, _ := splitSource(ev.TriggerSource)
			r = Result{Outcome: OutcomeFailed, Channel: ch, Source: source, ErrorCode: "panic"}
			err = fmt.Errorf("the sender panicked (%T)", p)
		}
	}()
	return s.handle(ctx, ev)
}

func (s *Sender) handle(ctx context.Context, ev *Event) (r Result, err error) {
	ch, source, ok := splitSource(ev.TriggerSource)
	r.Channel, r.Outcome = ch, OutcomeFailed
	if !ok {
		r.Outcome, r.ErrorCode = OutcomeUnsupported, "unknown_source"
		return r, nil
	}
	// No code and its own wording and data (ato.go).
	if ch == ChannelEmail && source == ATOSource {
		return s.handleATO(ctx, ev)
	}

	o := s.render.Handle(ctx, renderEvent(ev, source))
	if o.Fallback == trigger.FallbackUntouched {
		r.Outcome, r.ErrorCode = OutcomeUnsupported, "unknown_source"
		return r, nil
	}
	r.Source, r.Brand, r.Locale, r.Fallback = o.Source, o.Brand, o.Rendered, o.Fallback
	if o.Fallback == trigger.FallbackCognitoTemplate || o.Response.EmailMessage == nil {
		// There is no Cognito template to fall back on in sender mode: never send an empty message.
		r.ErrorCode = "render_failed"
		return r, fmt.Errorf("%w: %s", ErrNoMessage, o.Reason)
	}

	to := attribute(ev.Request.UserAttributes, "email")
	if ch == ChannelSMS {
		to = attribute(ev.Request.UserAttributes, "phone_number")
	}
	if to == "" {
		r.ErrorCode = "no_recipient"
		return r, ErrNoRecipient
	}

	if ev.Request.Code == nil || *ev.Request.Code == "" {
		r.ErrorCode = "missing_code"
		return r, ErrMissingCode
	}
	ciphertext, err := base64.StdEncoding.DecodeString(*ev.Request.Code)
	if err != nil {
		r.ErrorCode = "invalid_base64"
		return r, ErrInvalidBase64
	}
	t0 := s.now()
	plain, err := s.decrypt.Decrypt(ctx, ciphertext)
	r.Decrypt = s.now().Sub(t0)
	if err != nil {
		r.ErrorCode = "decrypt_failed"
		// The SDK's message says why (wrong key, access denied, unreachable, not a message) and
		// carries no plaintext; it goes to the log and the DLQ record.
		return r, fmt.Errorf("%w: %s", ErrDecrypt, oneLine(err.Error()))
	}
	code := string(plain)
	defer clear(plain)

	user := ev.UserName
	t0 = s.now()
	switch ch {
	case ChannelEmail:
		m := Email{
			To:      to,
			Subject: fill(*o.Response.EmailSubject, code, user, false),
			HTML:    fill(*o.Response.EmailMessage, code, user, true),
			Locale:  o.Rendered, Brand: o.Brand, Source: o.Source,
		}
		if o.EmailText != "" {
			m.Text = fill(o.EmailText, code, user, false)
		}
		err = s.mail.SendEmail(ctx, m)
	case ChannelSMS:
		err = s.text.SendSMS(ctx, Text{To: to, Body: fill(*o.Response.SMSMessage, code, user, false), Brand: o.Brand, Source: o.Source})
	}
	r.Send = s.now().Sub(t0)
	var rej *Rejection
	switch {
	case errors.As(err, &rej):
		r.Outcome, r.ErrorCode = OutcomeRejected, rej.Code
		return r, fmt.Errorf("send %s: rejected: %s", ch, rej.Code)
	case err != nil:
		// Only the service's error code: its message may quote an address.
		r.ErrorCode = serviceCode(err)
		return r, fmt.Errorf("send %s: %s", ch, r.ErrorCode)
	}
	r.Outcome = OutcomeSent
	return r, nil
}

// fill replaces the placeholders the renderer kept with the code and the user name, HTML-escaped in
// the HTML part.
func fill(s, code, user string, isHTML bool) string {
	if isHTML {
		code, user = html.EscapeString(code), html.EscapeString(user)
	}
	return strings.NewReplacer(codePlaceholder, code, usernamePlaceholder, user).Replace(s)
}

func attribute(attrs map[string]any, key string) string {
	s, _ := attrs[key].(string)
	return strings.TrimSpace(s)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// logInvocation writes the one line per invocation: never an address, a phone number, a name, the
// code or a metadata value.
func (s *Sender) logInvocation(ctx context.Context, r Result, err error, total time.Duration) {
	level := slog.LevelInfo
	switch r.Outcome {
	case OutcomeRejected, OutcomeUnsupported, OutcomeSkipped:
		level = slog.LevelWarn
	case OutcomeFailed:
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("version", trigger.Version),
		slog.String("outcome", r.Outcome),
		slog.String("channel", string(r.Channel)),
		slog.String("trigger_source", r.Source),
		slog.String("brand", r.Brand),
		slog.String("rendered_locale", r.Locale),
		slog.String("fallback", r.Fallback),
		slog.Int64("decrypt_us", r.Decrypt.Microseconds()),
		slog.Int64("send_us", r.Send.Microseconds()),
		slog.Int64("total_us", total.Microseconds()),
	}
	if r.ErrorCode != "" {
		attrs = append(attrs, slog.String("error_code", r.ErrorCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = append(attrs, slog.String("request_id", lc.AwsRequestID))
	}
	s.log.LogAttrs(ctx, level, "custom sender", attrs...)
}
