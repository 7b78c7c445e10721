package messages

// Who may be greeted by name.
//
// Anyone can make an open pool mail any address: sign up with a stranger's address and a "name"
// that is an advertisement or a phishing line, and the pool's own sender delivers it. Until the
// recipient's address or number is proven to belong to the account, whoever typed the attributes
// may not own it, so those messages carry no attribute at all. Where the recipient is proven (or the
// text was written by an administrator) the name may appear, but only if it reads as a person's name
// (PersonName).
//
// Whether a channel is proven depends on the trigger source and, for two of them, on the event:
//
//	source               email                         SMS
//	SignUp               never                         never
//	ResendCode           never                         never
//	UpdateUserAttribute  never                         never
//	VerifyUserAttribute  never                         never
//	ForgotPassword       email_verified = "true"       phone_number_verified = "true"
//	Authentication       email_verified = "true"       phone_number_verified = "true"
//	AdminCreateUser      always (an administrator)     always (an administrator)
//
// Sources (Amazon Cognito Developer Guide and API Reference):
//   - SignUp, ResendConfirmationCode: the code confirms an address or number nobody has proven
//     (SignUp: "Amazon Cognito sends a confirmation code to the email address or phone number").
//   - UpdateUserAttributes / AdminUpdateUserAttributes: the code goes to the new value, which is
//     unverified until the user enters it ("Verifying updates to email addresses and phone numbers").
//   - GetUserAttributeVerificationCode: sent to verify an attribute, so it is not verified yet.
//   - ForgotPassword / AdminResetUserPassword: "the code is sent to a verified email or phone number"
//     (ForgotPassword: "If neither a verified phone number nor a verified email exists, this API
//     returns InvalidParameterException"). Proven by Cognito's rule — but the event says which
//     channel is verified, so the name is used only where the event confirms it: nothing is lost
//     on a real event, and a pool set up otherwise cannot turn it into a relay.
//   - Authentication (MFA at sign-in): "Amazon Cognito can send messages to unverified email
//     addresses and phone numbers … When a user completes their first MFA, Amazon Cognito marks
//     their email address or phone number as verified" (Adding MFA to a user pool; SMSMfaSettingsType
//     says the same for phones). A user can point `email` at a stranger, set a "name", turn on email
//     MFA and make every sign-in attempt mail the stranger: only the event's verified flag proves it.
//   - AdminCreateUser: the invitation's address and attributes were written by an administrator
//     (AdminCreateUser needs IAM credentials); the user has not signed in to change them yet.

// Channels says which of a message's channels may carry the user's display name: Email covers the
// email's subject and body, SMS the text message.
type Channels struct {
	Email, SMS bool
}

// Any reports whether either channel may carry the name.
func (c Channels) Any() bool { return c.Email || c.SMS }

// proof is how a source's recipient is proven.
type proof uint8

const (
	proofNever    proof = iota // nobody has proven the address or number
	proofVerified              // proven where the event marks the channel verified
	proofAdmin                 // an administrator wrote the address and the attributes
)

// proofOf follows the table above. A switch rather than a map: nothing to build at cold start.
func proofOf(source string) proof {
	switch source {
	case "ForgotPassword", "Authentication":
		return proofVerified
	case "AdminCreateUser":
		return proofAdmin
	}
	return proofNever
}

// MayGreet reports whether any channel of source's message can ever carry the display name: false
// for the sources whose recipient has not proven the address (their templates must not use .Name),
// true where an event may prove it.
func MayGreet(source string) bool { return proofOf(source) != proofNever }

// NameChannels reports which channels of source's message may carry the display name, given the
// event's user attributes: only "true" (or, in old samples, JSON true) in email_verified or
// phone_number_verified proves a channel.
func NameChannels(source string, attrs map[string]any) Channels {
	switch proofOf(source) {
	case proofAdmin:
		return Channels{Email: true, SMS: true}
	case proofVerified:
		return Channels{Email: Verified(attrs["email_verified"]), SMS: Verified(attrs["phone_number_verified"])}
	}
	return Channels{}
}

// Verified reports whether an *_verified attribute proves its address: only "true" (or, in old
// samples, JSON true). The custom sender's account-takeover mail uses the same rule.
func Verified(v any) bool {
	switch v := v.(type) {
	case string:
		return v == "true"
	case bool:
		return v
	}
	return false
}
