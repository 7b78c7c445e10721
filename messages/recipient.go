package messages

// UnprovenSources are the trigger sources whose recipient has not yet proven to own the address or
// number the code goes to: whoever typed it may not. Anything a user wrote (the display name above
// all) would reach a stranger's inbox from the operator's sender, so their messages carry no user
// attribute. ForgotPassword and Authentication go to a verified address of the account and an
// administrator writes AdminCreateUser's: those may greet by name.
var UnprovenSources = []string{"SignUp", "ResendCode", "UpdateUserAttribute", "VerifyUserAttribute"}

// ProvenRecipient reports whether source's message goes to an address or number the account has
// proven (or an administrator chose), so a user attribute may appear in it.
func ProvenRecipient(source string) bool {
	for _, s := range UnprovenSources {
		if s == source {
			return false
		}
	}
	return HasSource(source)
}
