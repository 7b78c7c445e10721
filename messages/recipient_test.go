package messages

import "testing"

func TestProvenRecipient(t *testing.T) {
	want := map[string]bool{
		"SignUp": false, "ResendCode": false, "UpdateUserAttribute": false, "VerifyUserAttribute": false,
		"ForgotPassword": true, "Authentication": true, "AdminCreateUser": true,
		"PreSignUp": false, "": false,
	}
	for src, proven := range want {
		if got := ProvenRecipient(src); got != proven {
			t.Errorf("ProvenRecipient(%q) = %t; want %t", src, got, proven)
		}
	}
	for _, src := range Sources {
		if _, ok := want[src]; !ok {
			t.Errorf("source %s: decide whether its recipient is proven and add it here", src)
		}
	}
}
