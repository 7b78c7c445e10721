package messages

import "testing"

// TestNameChannels pins the table in proof.go: every source is decided, and only the event's
// "true" proves a channel of a reset or MFA code.
func TestNameChannels(t *testing.T) {
	verified := map[string]any{"email_verified": "true", "phone_number_verified": "true"}
	emailOnly := map[string]any{"email_verified": "true", "phone_number_verified": "false"}
	want := map[string][3]Channels{ // no flags, both verified, email only
		"SignUp":              {{}, {}, {}},
		"ResendCode":          {{}, {}, {}},
		"UpdateUserAttribute": {{}, {}, {}},
		"VerifyUserAttribute": {{}, {}, {}},
		"ForgotPassword":      {{}, {true, true}, {Email: true}},
		"Authentication":      {{}, {true, true}, {Email: true}},
		"AdminCreateUser":     {{true, true}, {true, true}, {true, true}},
	}
	for _, s := range Sources {
		w, ok := want[s]
		if !ok {
			t.Fatalf("source %s: decide which of its channels are proven, and add it here and to proof.go's table", s)
		}
		for i, attrs := range []map[string]any{nil, verified, emailOnly} {
			if got := NameChannels(s, attrs); got != w[i] {
				t.Errorf("NameChannels(%s, %v) = %+v; want %+v", s, attrs, got, w[i])
			}
		}
		if got := MayGreet(s); got != (w[1] != Channels{}) {
			t.Errorf("MayGreet(%s) = %v", s, got)
		}
	}
	for _, v := range []any{"false", "True", "TRUE", "1", "yes", "", 1, nil, false} {
		if c := NameChannels("Authentication", map[string]any{"email_verified": v, "phone_number_verified": v}); c.Any() {
			t.Errorf("verified flag %#v proves a channel: %+v", v, c)
		}
	}
	if c := NameChannels("Authentication", map[string]any{"email_verified": true}); !c.Email || c.SMS {
		t.Errorf("JSON true (old samples) in email_verified: %+v", c)
	}
}
