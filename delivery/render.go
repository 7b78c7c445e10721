package delivery

import "cognito-custom-message/trigger"

// renderEvent is the CustomMessage event a sender event is rendered as (source is its
// CustomMessage source: SignUp, ForgotPassword, …). The sender renders the message from it, and the
// failure recorder decides a failed event's brand and locale from the same event, so both apply
// one set of rules.
func renderEvent(ev *Event, source string) *trigger.Event {
	tev := trigger.Event{}
	tev.CognitoEventUserPoolsHeader = ev.CognitoEventUserPoolsHeader
	tev.TriggerSource = "CustomMessage_" + source
	tev.Request.CodeParameter = codePlaceholder
	if source == "AdminCreateUser" {
		tev.Request.UsernameParameter = usernamePlaceholder
	}
	tev.Request.UserAttributes = ev.Request.UserAttributes
	tev.Request.ClientMetadata = ev.Request.ClientMetadata
	return &tev
}
