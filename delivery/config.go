package delivery

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"cognito-custom-message/messages"
	"cognito-custom-message/trigger"
)

// FromEnv builds the Sender from the environment (docs/sender.md): KMS_KEY_ARN and EMAIL_FROM are
// required; EMAIL_REPLY_TO, SES_CONFIGURATION_SET, SMS_SENDER_ID and SMS_ORIGINATION_NUMBER are
// the defaults a brand may override.
func FromEnv(ctx context.Context, getenv func(string) string, log *slog.Logger,
	k *kms.Client, ses *sesv2.Client, sn *sns.Client, render *trigger.Handler) (*Sender, error) {
	key := getenv("KMS_KEY_ARN")
	if key == "" {
		return nil, fmt.Errorf("KMS_KEY_ARN is required: the key the user pool encrypts codes with")
	}
	from, err := ParseFrom(getenv("EMAIL_FROM"))
	if err != nil {
		return nil, fmt.Errorf("EMAIL_FROM %q: want \"Name <address>\" or an address: %w", getenv("EMAIL_FROM"), err)
	}
	ids := Identities{Default: Identity{
		From:             from,
		ReplyTo:          getenv("EMAIL_REPLY_TO"),
		ConfigurationSet: getenv("SES_CONFIGURATION_SET"),
		SMSSenderID:      getenv("SMS_SENDER_ID"),
		OriginationNum:   getenv("SMS_ORIGINATION_NUMBER"),
	}}
	ids.Brands = BrandIdentities(messages.Brands(), ids.Default)
	d, err := NewKMSDecrypter(ctx, k, key)
	if err != nil {
		return nil, err
	}
	return New(render, d, &SES{Client: ses, IDs: ids}, &SNS{Client: sn, IDs: ids}, log), nil
}
