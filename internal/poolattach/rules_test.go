package poolattach

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"cognito-custom-message/internal/awsfake"
)

// TestRulesDocumented keeps the documentation (Rules) and the fake's enforcement
// (awsfake.CognitoRules) one list: same IDs, same order, each with its source and what the update
// does about it.
func TestRulesDocumented(t *testing.T) {
	var doc, fake []string
	for _, r := range Rules {
		doc = append(doc, r.ID)
		if r.Cognito == "" || r.Source == "" || r.Update == "" {
			t.Errorf("rule %s lacks its description, source or update", r.ID)
		}
	}
	for _, r := range awsfake.CognitoRules {
		fake = append(fake, r.ID)
	}
	if !reflect.DeepEqual(doc, fake) {
		t.Errorf("documented rules %v; the fake enforces %v", doc, fake)
	}
	for _, r := range Unenforced {
		if r.Cognito == "" || r.Source == "" || r.Update == "" || ruleByID(r.ID).ID != "" {
			t.Errorf("unenforced rule %s lacks text, or is also an enforced rule", r.ID)
		}
	}
}

// TestFakeEnforcesEachRule sends the fake an update that breaks exactly one rule, built from a
// valid one, and expects that rule's refusal — so each documented rule is enforced in every test
// that goes through the fake. The valid update itself must pass.
func TestFakeEnforcesEachRule(t *testing.T) {
	type mutate func(in *cip.UpdateUserPoolInput, f *awsfake.Cognito)
	cases := map[string]struct {
		fixture string
		mutate  mutate
		errType string
		message string // a part of the refusal only this rule gives
	}{
		"unused-account-validity": {"developer-ses", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			c := *in.AdminCreateUserConfig
			c.UnusedAccountValidityDays = 3
			in.AdminCreateUserConfig = &c
		}, "InvalidParameterException", "Please use TemporaryPasswordValidityDays"},
		"verification-email-style": {"developer-ses", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			v := *in.VerificationMessageTemplate
			v.EmailMessageByLink = aws.String("Click {##here##}")
			in.VerificationMessageTemplate = &v
		}, "InvalidParameterException", "The message is invalid"},
		"link-style-deprecated-email": {"link-verification", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			in.EmailVerificationSubject = aws.String("Your verification code")
		}, "InvalidParameterException", "The message is invalid"},
		"message-patterns": {"developer-ses", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			v := *in.VerificationMessageTemplate
			v.EmailSubject = aws.String("Bestätigen\u00a0Sie") // NBSP is not in the subject's classes
			in.VerificationMessageTemplate = &v
			in.EmailVerificationSubject = v.EmailSubject
		}, "InvalidParameterException", "failed to satisfy constraint"},
		"verify-before-update": {"developer-ses", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			in.AutoVerifiedAttributes = nil
		}, "InvalidParameterException", "must exist in AutoVerifiedAttributes"},
		"custom-sender-kms": {"custom-email-sender-kms", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			in.LambdaConfig.KMSKeyID = nil
		}, "InvalidParameterException", "KMSKeyID"},
		"pre-token-generation-match": {"custom-email-sender-kms", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			in.LambdaConfig.PreTokenGeneration = aws.String("arn:aws:lambda:eu-central-1:123456789012:function:other")
		}, "InvalidParameterException", "PreTokenGenerationConfig.LambdaArn"},
		"developer-email-source-arn": {"developer-ses", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			e := *in.EmailConfiguration
			e.SourceArn = nil
			in.EmailConfiguration = &e
		}, "InvalidParameterException", "SourceArn"},
		"sms-role-pass-role": {"sms-mfa", func(in *cip.UpdateUserPoolInput, f *awsfake.Cognito) {
			f.DenyPassRole(*in.SmsConfiguration.SnsCallerArn)
		}, "AccessDeniedException", "iam:PassRole"},
		"threat-protection-plus": {"threat-protection-plus", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			in.UserPoolTier = types.UserPoolTierTypeEssentials
		}, "FeatureUnavailableInTierException", "Plus"},
		"reserved-tags": {"managed-by-stack", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			in.UserPoolTags["aws:cloudformation:stack-name"] = "OrdersBackend"
		}, "UserPoolTaggingException", "reserved"},
		"tag-limits": {"developer-ses", func(in *cip.UpdateUserPoolInput, _ *awsfake.Cognito) {
			for i := range 50 {
				in.UserPoolTags[strings.Repeat("k", i+1)] = "v"
			}
		}, "UserPoolTaggingException", "at most 50"},
	}
	ctx := context.Background()
	for _, r := range Rules {
		t.Run(r.ID, func(t *testing.T) {
			c, ok := cases[r.ID]
			if !ok {
				t.Fatalf("no case shows the fake enforcing rule %s", r.ID)
			}
			f, api := fake(t, c.fixture)
			d, err := Describe(ctx, api, fixtureID(t, c.fixture))
			if err != nil {
				t.Fatal(err)
			}
			valid, _ := UpdateInput(d.Pool, ours, &Record{Function: ours, Applied: Options{}.String()})
			if _, err := api.UpdateUserPool(ctx, valid); err != nil {
				t.Fatalf("the valid update was refused: %v", err)
			}
			d, _ = Describe(ctx, api, fixtureID(t, c.fixture))
			broken, _ := UpdateInput(d.Pool, ours, &Record{Function: ours, Applied: Options{}.String()})
			c.mutate(broken, f)
			before := f.Pool(fixtureID(t, c.fixture))
			_, err = api.UpdateUserPool(ctx, broken)
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != c.errType || !strings.Contains(ae.ErrorMessage(), c.message) {
				t.Fatalf("err = %v; want %s with %q", err, c.errType, c.message)
			}
			if diff := rawDiff(before, f.Pool(fixtureID(t, c.fixture))); len(diff) != 0 {
				t.Errorf("a refused update changed %v", diff)
			}
		})
	}
}

// TestUpdateInputCarriesEveryField fails when the SDK's UpdateUserPoolInput gains a field that
// UpdateInput does not fill from the description: an SDK upgrade cannot silently bring the reset
// back (the raw comparison in NewPlan catches the same at run time, for fields the SDK lacks).
func TestUpdateInputCarriesEveryField(t *testing.T) {
	carried := map[string]bool{}
	for _, f := range Carried {
		carried[f] = true
	}
	in := reflect.TypeOf(cip.UpdateUserPoolInput{})
	for i := 0; i < in.NumField(); i++ {
		if f := in.Field(i); f.IsExported() && !carried[f.Name] {
			t.Errorf("UpdateUserPoolInput.%s is not carried over: add it to UpdateInput and Carried", f.Name)
		}
	}

	pool := fullPool()
	upd, _ := UpdateInput(pool, "arn:ours", nil)
	got := reflect.ValueOf(upd).Elem()
	src := reflect.ValueOf(pool).Elem()
	rename := map[string]string{"UserPoolId": "Id", "PoolName": "Name"}
	for _, name := range Carried {
		field := got.FieldByName(name)
		if !field.IsValid() {
			t.Errorf("Carried names %s, which UpdateUserPoolInput does not have", name)
			continue
		}
		if field.IsZero() {
			t.Errorf("%s is empty in the update: it would be reset", name)
			continue
		}
		from := name
		if r, ok := rename[name]; ok {
			from = r
		}
		if name == "LambdaConfig" || name == "VerificationMessageTemplate" {
			continue // checked below
		}
		if !reflect.DeepEqual(field.Interface(), src.FieldByName(from).Interface()) {
			t.Errorf("%s differs from the description", name)
		}
	}
	want := *pool.LambdaConfig
	want.CustomMessage = aws.String("arn:ours")
	if !reflect.DeepEqual(*upd.LambdaConfig, want) {
		t.Errorf("LambdaConfig = %+v; want %+v", *upd.LambdaConfig, want)
	}
	// Both styles described: only the code-style message goes back (rule verification-email-style).
	v := *pool.VerificationMessageTemplate
	v.EmailMessageByLink = nil
	if !reflect.DeepEqual(*upd.VerificationMessageTemplate, v) {
		t.Errorf("VerificationMessageTemplate = %+v; want %+v", *upd.VerificationMessageTemplate, v)
	}
	if *pool.LambdaConfig.CustomMessage != "value-of-CustomMessage" || pool.VerificationMessageTemplate.EmailMessageByLink == nil {
		t.Error("UpdateInput changed the description it was given")
	}
}

// fill gives every exported field a non-zero value, recursively, so a field the mapping forgets
// shows up as a zero.
func fill(v reflect.Value, name string, depth int) {
	if depth > 6 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.Type().Elem() == reflect.TypeOf(time.Time{}) {
			t := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
			v.Set(reflect.ValueOf(&t))
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), name, depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				fill(v.Field(i), f.Name, depth+1)
			}
		}
	case reflect.String:
		v.SetString("value-of-" + name)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int32, reflect.Int64, reflect.Int:
		v.SetInt(7)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), name, depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, name+"Key", depth+1)
		fill(e, name, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

func fullPool() *types.UserPoolType {
	var p types.UserPoolType
	fill(reflect.ValueOf(&p).Elem(), "UserPool", 0)
	p.Id, p.Name = aws.String("eu-central-1_Pool"), aws.String("production")
	// The deprecated invitation validity and its replacement are never both sent.
	p.AdminCreateUserConfig.UnusedAccountValidityDays = 0
	p.VerificationMessageTemplate.DefaultEmailOption = types.DefaultEmailOptionTypeConfirmWithCode
	return &p
}
