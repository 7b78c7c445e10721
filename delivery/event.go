package delivery

import (
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Event is the event Cognito sends a custom sender trigger (CustomEmailSender_*, CustomSMSSender_*).
// aws-lambda-go v1.55 has no type for it, so it is declared here after Cognito's developer guide.
type Event struct {
	events.CognitoEventUserPoolsHeader
	Request Request `json:"request"`
}

// Request is the request part: Type is customEmailSenderRequestV1 or customSMSSenderRequestV1; Code
// is the code (or AdminCreateUser's temporary password) encrypted with the AWS Encryption SDK under
// the pool's KMS key, base64-encoded.
type Request struct {
	Type           string            `json:"type"`
	Code           *string           `json:"code"`
	ClientMetadata map[string]string `json:"clientMetadata"`
	UserAttributes map[string]any    `json:"userAttributes"`
}

// Channel is the medium a custom sender source delivers through.
type Channel string

const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
)

// Prefixes of the sender trigger sources; what follows is the CustomMessage source name
// (SignUp, ForgotPassword, …) whose templates render the message.
const (
	EmailPrefix = "CustomEmailSender_"
	SMSPrefix   = "CustomSMSSender_"
)

// splitSource returns the channel and the CustomMessage source of a sender trigger source, or
// ok=false when it is not one.
func splitSource(triggerSource string) (ch Channel, source string, ok bool) {
	if s, found := strings.CutPrefix(triggerSource, EmailPrefix); found {
		return ChannelEmail, s, s != ""
	}
	if s, found := strings.CutPrefix(triggerSource, SMSPrefix); found {
		return ChannelSMS, s, s != ""
	}
	return "", "", false
}
