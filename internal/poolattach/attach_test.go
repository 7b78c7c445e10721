package poolattach

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"cognito-custom-message/internal/awsfake"
)

const (
	legacy  = "arn:aws:lambda:eu-central-1:123456789012:function:bank-app-legacy-messages"
	someone = "arn:aws:lambda:eu-central-1:123456789012:function:someone-elses"
)

func trigger(f *awsfake.Cognito, id string) string {
	s, _ := get(f.Pool(id), "LambdaConfig", "CustomMessage").(string)
	return s
}

func tag(f *awsfake.Cognito, id, key string) (string, bool) {
	tags, _ := get(f.Pool(id), "UserPoolTags").(map[string]any)
	v, ok := tags[key]
	s, _ := v.(string)
	return s, ok
}

func setTrigger(f *awsfake.Cognito, id, arn string) {
	f.Edit(id, func(p map[string]any) {
		lc, _ := p["LambdaConfig"].(map[string]any)
		if lc == nil {
			lc = map[string]any{}
			p["LambdaConfig"] = lc
		}
		if arn == "" {
			delete(lc, "CustomMessage")
		} else {
			lc["CustomMessage"] = arn
		}
	})
}

func attach(t *testing.T, api API, id string, opt Options) (*Attachment, error) {
	t.Helper()
	a, err := PlanAttach(context.Background(), api, id, ours, opt)
	if err != nil {
		t.Fatal(err)
	}
	return a, a.Apply(context.Background(), api)
}

func detach(t *testing.T, api API, id string) *Detachment {
	t.Helper()
	x, err := PlanDetach(context.Background(), api, id, ours)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Apply(context.Background(), api); err != nil {
		t.Fatal(err)
	}
	return x
}

// TestAttachRemembersOnThePool: the trigger the pool had before is kept in a tag, written by the
// same update that sets ours, so every later call reads it back — a retried attach (the previous
// release recorded "none" here, because the pool already pointed at us) and a detach long after.
func TestAttachRemembersOnThePool(t *testing.T) {
	f, api := fake(t, "sms-mfa") // CustomMessage: legacy
	id := fixtureID(t, "sms-mfa")

	if _, err := attach(t, api, id, Options{}); !errors.Is(err, ErrForeignTrigger) || !errors.Is(err, ErrRefused) ||
		!strings.Contains(err.Error(), legacy) || !strings.Contains(err.Error(), "replaceExistingTrigger=true") {
		t.Fatalf("err = %v; want the foreign trigger named, and the setting", err)
	}
	if f.Calls("UpdateUserPool") != 0 || trigger(f, id) != legacy {
		t.Fatal("a refused attachment changed the pool")
	}

	a, err := attach(t, api, id, Options{Replace: true})
	if err != nil || a.Previous != legacy || trigger(f, id) != ours {
		t.Fatalf("attach: %v previous %q trigger %q", err, a.Previous, trigger(f, id))
	}
	if v, _ := tag(f, id, TagPrevious); v != legacy {
		t.Errorf("previous tag %q", v)
	}
	if v, _ := tag(f, id, TagApplied); v != "replace=true managed=false" {
		t.Errorf("applied tag %q", v)
	}

	// Retried: nothing to write, and the previous trigger is still the legacy one.
	updates := f.Calls("UpdateUserPool")
	again, err := attach(t, api, id, Options{Replace: true})
	if err != nil || again.Previous != legacy || again.Plan != nil || f.Calls("UpdateUserPool") != updates {
		t.Errorf("retry: %v previous %q plan %v updates %d", err, again.Previous, again.Plan != nil, f.Calls("UpdateUserPool")-updates)
	}
	// Other options: only the applied tag changes.
	toggled, err := attach(t, api, id, Options{Replace: false})
	if err != nil || toggled.Previous != legacy || toggled.Plan == nil {
		t.Fatalf("toggle: %v previous %q", err, toggled.Previous)
	}
	if ch := toggled.Plan.Changed(); len(ch) != 1 || ch[0].Path != tagPath(TagApplied) {
		t.Errorf("toggle changed %+v; want only the applied tag", ch)
	}
	if err := toggled.Apply(context.Background(), api); err != nil {
		t.Fatal(err)
	}

	x := detach(t, api, id)
	if x.Restore != legacy || trigger(f, id) != legacy {
		t.Errorf("detach restored %q, trigger now %q; want %q", x.Restore, trigger(f, id), legacy)
	}
	for _, k := range []string{TagFunction, TagPrevious, TagApplied} {
		if _, ok := tag(f, id, k); ok {
			t.Errorf("tag %s left on the pool", k)
		}
	}
	// Detaching again changes nothing.
	updates = f.Calls("UpdateUserPool")
	if x := detach(t, api, id); x.Plan != nil || f.Calls("UpdateUserPool") != updates || trigger(f, id) != legacy {
		t.Errorf("second detach: plan %v, trigger %q", x.Plan != nil, trigger(f, id))
	}
}

func TestAttachDecisions(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		fixture  string
		prepare  func(f *awsfake.Cognito, id string)
		opt      Options
		err      error
		previous string
	}{
		{name: "no CustomMessage", fixture: "developer-ses", previous: ""},
		{name: "foreign trigger refused", fixture: "sms-mfa", err: ErrForeignTrigger},
		{name: "foreign trigger replaced", fixture: "sms-mfa", opt: Options{Replace: true}, previous: legacy},
		{name: "ours, without a record", fixture: "developer-ses", prepare: func(f *awsfake.Cognito, id string) { setTrigger(f, id, ours) }, previous: ""},
		{name: "managed by another stack", fixture: "managed-by-stack", err: ErrManagedPool},
		{name: "managed, allowed", fixture: "managed-by-stack", opt: Options{AllowManaged: true}, previous: ""},
		{name: "managed, ours already", fixture: "managed-by-stack", prepare: func(f *awsfake.Cognito, id string) { setTrigger(f, id, ours) }, previous: ""},
		{name: "stale record: re-wired since, refused", fixture: "sms-mfa", prepare: func(f *awsfake.Cognito, id string) {
			stale(f, id)
			setTrigger(f, id, someone)
		}, err: ErrForeignTrigger},
		{name: "stale record: re-wired since, replaced", fixture: "sms-mfa", prepare: func(f *awsfake.Cognito, id string) {
			stale(f, id)
			setTrigger(f, id, someone)
		}, opt: Options{Replace: true}, previous: someone},
		{name: "stale record: trigger removed since", fixture: "sms-mfa", prepare: func(f *awsfake.Cognito, id string) {
			stale(f, id)
			setTrigger(f, id, "")
		}, previous: ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, api := fake(t, c.fixture)
			id := fixtureID(t, c.fixture)
			if c.prepare != nil {
				c.prepare(f, id)
			}
			before := f.Pool(id)
			a, err := PlanAttach(ctx, api, id, ours, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			err = a.Apply(ctx, api)
			if c.err != nil {
				if !errors.Is(err, c.err) || !errors.Is(err, ErrRefused) {
					t.Fatalf("err = %v; want %v", err, c.err)
				}
				if d := rawDiff(before, f.Pool(id)); len(d) != 0 || f.Calls("UpdateUserPool") != 0 {
					t.Errorf("a refusal changed %v", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Previous != c.previous || trigger(f, id) != ours {
				t.Errorf("previous %q, trigger %q; want %q, ours", a.Previous, trigger(f, id), c.previous)
			}
			if v, _ := tag(f, id, TagPrevious); v != c.previous {
				t.Errorf("previous tag %q; want %q", v, c.previous)
			}
		})
	}
}

// stale gives the pool a record of an earlier attachment of ours over the legacy trigger.
func stale(f *awsfake.Cognito, id string) {
	f.Edit(id, func(p map[string]any) {
		p["UserPoolTags"] = map[string]any{TagFunction: ours, TagPrevious: legacy, TagApplied: "replace=true managed=false"}
	})
}

func TestDetachDecisions(t *testing.T) {
	t.Run("re-wired since: left alone", func(t *testing.T) {
		f, api := fake(t, "sms-mfa")
		id := fixtureID(t, "sms-mfa")
		stale(f, id)
		setTrigger(f, id, someone)
		x := detach(t, api, id)
		if x.Plan != nil || trigger(f, id) != someone || f.Calls("UpdateUserPool") != 0 || !strings.Contains(x.Note, someone) {
			t.Errorf("plan %v trigger %q note %q", x.Plan != nil, trigger(f, id), x.Note)
		}
	})
	t.Run("the pool is gone", func(t *testing.T) {
		f, api := fake(t, "sms-mfa")
		id := fixtureID(t, "sms-mfa")
		f.Delete(id)
		if x := detach(t, api, id); x.Plan != nil || x.Note == "" {
			t.Errorf("plan %v note %q", x.Plan != nil, x.Note)
		}
	})
	t.Run("ours without a record: removed", func(t *testing.T) {
		f, api := fake(t, "developer-ses")
		id := fixtureID(t, "developer-ses")
		setTrigger(f, id, ours)
		if x := detach(t, api, id); x.Restore != "" || trigger(f, id) != "" {
			t.Errorf("restore %q trigger %q", x.Restore, trigger(f, id))
		}
		if get(f.Pool(id), "LambdaConfig", "PreSignUp") == nil {
			t.Error("the other triggers were lost")
		}
	})
	t.Run("a record of another function: ours removed, theirs not restored", func(t *testing.T) {
		f, api := fake(t, "sms-mfa")
		id := fixtureID(t, "sms-mfa")
		f.Edit(id, func(p map[string]any) {
			p["UserPoolTags"] = map[string]any{TagFunction: someone, TagPrevious: legacy, TagApplied: "replace=true managed=false"}
		})
		setTrigger(f, id, ours)
		if x := detach(t, api, id); x.Restore != "" || trigger(f, id) != "" {
			t.Errorf("restore %q trigger %q", x.Restore, trigger(f, id))
		}
	})
}

func TestRecordLimits(t *testing.T) {
	t.Run("no room for the record tags", func(t *testing.T) {
		f, api := fake(t, "developer-ses") // one tag
		id := fixtureID(t, "developer-ses")
		f.Edit(id, func(p map[string]any) {
			tags := p["UserPoolTags"].(map[string]any)
			for i := len(tags); i < MaxTags-2; i++ {
				tags[fmt.Sprintf("tag-%02d", i)] = "x"
			}
		})
		_, err := attach(t, api, id, Options{})
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "at most 50") || f.Calls("UpdateUserPool") != 0 {
			t.Errorf("err = %v after %d updates; want a tag-limit refusal", err, f.Calls("UpdateUserPool"))
		}
	})
	t.Run("47 tags leave room", func(t *testing.T) {
		f, api := fake(t, "developer-ses")
		id := fixtureID(t, "developer-ses")
		f.Edit(id, func(p map[string]any) {
			tags := p["UserPoolTags"].(map[string]any)
			for i := len(tags); i < MaxTags-3; i++ {
				tags[fmt.Sprintf("tag-%02d", i)] = "x"
			}
		})
		if _, err := attach(t, api, id, Options{}); err != nil {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a previous trigger no tag can hold", func(t *testing.T) {
		f, api := fake(t, "sms-mfa")
		id := fixtureID(t, "sms-mfa")
		setTrigger(f, id, legacy+":$LATEST")
		_, err := attach(t, api, id, Options{Replace: true})
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "$LATEST") || f.Calls("UpdateUserPool") != 0 {
			t.Errorf("err = %v", err)
		}
	})
}

// TestPassRoleRefusal: Cognito checks iam:PassRole on the pool's SMS role at every update; the
// provider's error says which setting grants it.
func TestPassRoleRefusal(t *testing.T) {
	f, api := fake(t, "sms-mfa")
	id := fixtureID(t, "sms-mfa")
	role := "arn:aws:iam::123456789012:role/service-role/bank-app-cognito-sms"
	f.DenyPassRole(role)
	_, err := attach(t, api, id, Options{Replace: true})
	if err == nil || !strings.Contains(err.Error(), "-c poolSmsRoleArn="+role) {
		t.Fatalf("err = %v; want the hint", err)
	}
	if trigger(f, id) != legacy {
		t.Error("the pool changed")
	}
}

// TestPlanIsReadOnly: building a plan serializes the update without sending it.
func TestPlanIsReadOnly(t *testing.T) {
	f, api := fake(t, "threat-protection-plus")
	id := fixtureID(t, "threat-protection-plus")
	a, err := PlanAttach(context.Background(), api, id, ours, Options{})
	if err != nil || a.Plan == nil {
		t.Fatal(err)
	}
	if n := f.Calls("UpdateUserPool"); n != 0 {
		t.Fatalf("planning sent %d updates", n)
	}
	var out bytes.Buffer
	a.Plan.Write(&out, false)
	text := out.String()
	for _, want := range []string{
		"changed   LambdaConfig.CustomMessage: (none) -> \"" + ours + "\"",
		"changed   UserPoolTags[" + TagFunction + "]",
		"0 refused",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "kept") {
		t.Errorf("the short plan lists kept settings:\n%s", text)
	}
	out.Reset()
	a.Plan.Write(&out, true)
	for _, want := range []string{"kept      UserPoolAddOns.AdvancedSecurityMode = \"ENFORCED\"", "not sent  SchemaAttributes", "kept      UserPoolTier = \"PLUS\""} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("full plan lacks %q:\n%s", want, out.String())
		}
	}
}

// TestOurEarlierFunction (issue 16 §3): a trigger the record names is ours when the record is the
// same owner's, or, on a record without an owner, when the caller names it as the function it
// attached before. Ours, it is replaced without Replace and never becomes Previous; another
// owner's is foreign.
func TestOurEarlierFunction(t *testing.T) {
	const stack = "arn:aws:cloudformation:eu-central-1:123456789012:stack/CognitoCustomMessage-dev/1"
	const earlier = "arn:aws:lambda:eu-central-1:123456789012:function:CognitoCustomMessage-dev-Old-XyZ"
	for _, c := range []struct {
		name                   string
		record                 map[string]any
		opt                    Options
		wantErr                error
		wantPrevious, replaces string
	}{
		{"same owner", map[string]any{TagFunction: earlier, TagPrevious: legacy, TagApplied: "replace=false managed=false", TagOwner: stack},
			Options{Owner: stack}, nil, legacy, earlier},
		{"no owner, named by the caller", map[string]any{TagFunction: earlier, TagPrevious: legacy, TagApplied: "replace=false managed=false"},
			Options{Owner: stack, Earlier: earlier}, nil, legacy, earlier},
		{"no owner, not named", map[string]any{TagFunction: earlier, TagPrevious: legacy, TagApplied: "replace=false managed=false"},
			Options{Owner: stack}, ErrForeignTrigger, "", ""},
		{"another owner", map[string]any{TagFunction: earlier, TagPrevious: legacy, TagApplied: "replace=false managed=false", TagOwner: stack + "-other"},
			Options{Owner: stack, Earlier: earlier}, ErrForeignTrigger, "", ""},
		{"another owner, replaced: its function becomes previous", map[string]any{TagFunction: earlier, TagPrevious: legacy, TagApplied: "replace=true managed=false", TagOwner: stack + "-other"},
			Options{Owner: stack, Replace: true}, nil, earlier, ""},
		{"a record naming ours as previous", map[string]any{TagFunction: earlier, TagPrevious: ours, TagApplied: "replace=true managed=false", TagOwner: stack},
			Options{Owner: stack, Replace: true}, nil, "", earlier},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, api := fake(t, "developer-ses")
			id := fixtureID(t, "developer-ses")
			setTrigger(f, id, earlier)
			f.Edit(id, func(p map[string]any) { p["UserPoolTags"] = c.record })
			a, err := attach(t, api, id, c.opt)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v; want %v", err, c.wantErr)
			}
			if c.wantErr != nil {
				if trigger(f, id) != earlier {
					t.Errorf("a refused attachment moved the pool to %q", trigger(f, id))
				}
				return
			}
			if trigger(f, id) != ours || a.Previous != c.wantPrevious || a.Replaces != c.replaces {
				t.Errorf("trigger %q previous %q replaces %q; want ours, %q, %q", trigger(f, id), a.Previous, a.Replaces, c.wantPrevious, c.replaces)
			}
			if v, _ := tag(f, id, TagOwner); v != stack {
				t.Errorf("owner tag %q", v)
			}
			if v, _ := tag(f, id, TagPrevious); v != c.wantPrevious {
				t.Errorf("previous tag %q", v)
			}
			if x := detach(t, api, id); x.Restore != c.wantPrevious || trigger(f, id) != c.wantPrevious {
				t.Errorf("detach restored %q (trigger %q); want %q", x.Restore, trigger(f, id), c.wantPrevious)
			}
		})
	}
}

// TestEarlierWithoutRecord: the record tags are gone, replace=true, and the pool still calls our
// earlier function (the Update's OldResourceProperties): that function is ours, never "previous" —
// a later detach would restore a function CloudFormation deletes.
func TestEarlierWithoutRecord(t *testing.T) {
	const earlier = "arn:aws:lambda:eu-central-1:123456789012:function:CognitoCustomMessage-dev-Old-XyZ"
	f, api := fake(t, "developer-ses")
	id := fixtureID(t, "developer-ses")
	setTrigger(f, id, earlier)
	f.Edit(id, func(p map[string]any) { p["UserPoolTags"] = map[string]any{} })
	a, err := attach(t, api, id, Options{Owner: "stack", Earlier: earlier, Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if a.Previous != "" {
		t.Errorf("previous %q: a later detach restores a deleted function", a.Previous)
	}
	if x := detach(t, api, id); trigger(f, id) != "" {
		t.Errorf("detach restored %q", x.Restore)
	}
}

// TestSelfPreviousDetach: a record an older release wrote that names our own function as previous
// must not turn detach into a no-op that leaves the pool calling a deleted function.
func TestSelfPreviousDetach(t *testing.T) {
	f, api := fake(t, "developer-ses")
	id := fixtureID(t, "developer-ses")
	setTrigger(f, id, ours)
	f.Edit(id, func(p map[string]any) {
		p["UserPoolTags"] = map[string]any{TagFunction: ours, TagPrevious: ours, TagApplied: "replace=false managed=false"}
	})
	detach(t, api, id)
	if got := trigger(f, id); got != "" {
		t.Errorf("after detach the pool still calls %q", got)
	}
}
