package poolattach

import (
	"errors"
	"reflect"
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

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
			f := v.Type().Field(i)
			if f.IsExported() {
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
	p.Id, p.Name = ptr("eu-central-1_Pool"), ptr("production")
	// The deprecated invitation validity and its replacement are never both sent.
	p.AdminCreateUserConfig.UnusedAccountValidityDays = 0
	return &p
}

func ptr(s string) *string { return &s }

// TestUpdateInputCarriesEveryField fails when the SDK's UpdateUserPoolInput gains a field that
// UpdateInput does not fill from the description: an SDK upgrade cannot silently bring the reset back.
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
	got := reflect.ValueOf(UpdateInput(pool, "arn:aws:lambda:eu-central-1:123456789012:function:ours")).Elem()
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
		if name == "LambdaConfig" {
			continue // checked below
		}
		if !reflect.DeepEqual(field.Interface(), src.FieldByName(from).Interface()) {
			t.Errorf("%s differs from the description", name)
		}
	}
	// LambdaConfig: every trigger kept, CustomMessage ours.
	want := *pool.LambdaConfig
	want.CustomMessage = ptr("arn:aws:lambda:eu-central-1:123456789012:function:ours")
	if lc := got.FieldByName("LambdaConfig").Interface().(*types.LambdaConfigType); !reflect.DeepEqual(*lc, want) {
		t.Errorf("LambdaConfig = %+v; want %+v", *lc, want)
	}
	if *pool.LambdaConfig.CustomMessage != "value-of-CustomMessage" {
		t.Error("UpdateInput changed the description it was given")
	}
}

// TestUpdateInputRealisticPool pins the mapping field by field on a pool configured the way
// production pools are.
func TestUpdateInputRealisticPool(t *testing.T) {
	pool := &types.UserPoolType{
		Id: ptr("eu-central-1_AbC123"), Name: ptr("customers"),
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: ptrI(1)}}},
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 7,
			InviteMessageTemplate: &types.MessageTemplateType{EmailSubject: ptr("Welcome"), EmailMessage: ptr("User {username} pass {####}"), SMSMessage: ptr("{username} {####}")}},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		DeletionProtection:     types.DeletionProtectionTypeActive,
		DeviceConfiguration:    &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true},
		EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn: ptr("arn:aws:ses:eu-central-1:123456789012:identity/example.com"), From: ptr("Example <no-reply@example.com>"), ConfigurationSet: ptr("cs")},
		EmailVerificationMessage: ptr("Code {####}"), EmailVerificationSubject: ptr("Your code"),
		LambdaConfig: &types.LambdaConfigType{PreSignUp: ptr("arn:pre"), PostConfirmation: ptr("arn:post"),
			PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: ptr("arn:ptg"), LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV20},
			CustomMessage:            ptr("arn:old-custom-message")},
		MfaConfiguration: types.UserPoolMfaTypeOptional,
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: ptrI(14), RequireSymbols: true, TemporaryPasswordValidityDays: 3, PasswordHistorySize: ptrI(5)},
			SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword}}},
		SmsAuthenticationMessage: ptr("MFA {####}"), SmsVerificationMessage: ptr("SMS {####}"),
		SmsConfiguration:            &types.SmsConfigurationType{SnsCallerArn: ptr("arn:aws:iam::123456789012:role/sms"), ExternalId: ptr("ext"), SnsRegion: ptr("eu-central-1")},
		UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}},
		UserPoolAddOns:              &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeEnforced},
		UserPoolTags:                map[string]string{"team": "identity"},
		UserPoolTier:                types.UserPoolTierTypePlus,
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithCode, EmailMessage: ptr("Code {####}"), EmailSubject: ptr("Your code")},
	}
	in := UpdateInput(pool, "arn:ours")
	if *in.UserPoolId != "eu-central-1_AbC123" || *in.PoolName != "customers" {
		t.Errorf("id %v name %v", *in.UserPoolId, *in.PoolName)
	}
	for name, pair := range map[string][2]any{
		"AccountRecoverySetting":      {in.AccountRecoverySetting, pool.AccountRecoverySetting},
		"AutoVerifiedAttributes":      {in.AutoVerifiedAttributes, pool.AutoVerifiedAttributes},
		"DeletionProtection":          {in.DeletionProtection, pool.DeletionProtection},
		"DeviceConfiguration":         {in.DeviceConfiguration, pool.DeviceConfiguration},
		"EmailConfiguration":          {in.EmailConfiguration, pool.EmailConfiguration},
		"EmailVerificationMessage":    {in.EmailVerificationMessage, pool.EmailVerificationMessage},
		"EmailVerificationSubject":    {in.EmailVerificationSubject, pool.EmailVerificationSubject},
		"MfaConfiguration":            {in.MfaConfiguration, pool.MfaConfiguration},
		"Policies":                    {in.Policies, pool.Policies},
		"SmsAuthenticationMessage":    {in.SmsAuthenticationMessage, pool.SmsAuthenticationMessage},
		"SmsConfiguration":            {in.SmsConfiguration, pool.SmsConfiguration},
		"SmsVerificationMessage":      {in.SmsVerificationMessage, pool.SmsVerificationMessage},
		"UserAttributeUpdateSettings": {in.UserAttributeUpdateSettings, pool.UserAttributeUpdateSettings},
		"UserPoolAddOns":              {in.UserPoolAddOns, pool.UserPoolAddOns},
		"UserPoolTags":                {in.UserPoolTags, pool.UserPoolTags},
		"UserPoolTier":                {in.UserPoolTier, pool.UserPoolTier},
		"VerificationMessageTemplate": {in.VerificationMessageTemplate, pool.VerificationMessageTemplate},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s: %+v; want %+v", name, pair[0], pair[1])
		}
	}
	// The invitation template and admin-only sign-up are kept; the deprecated validity is dropped
	// because the password policy carries the temporary password validity.
	a := in.AdminCreateUserConfig
	if !a.AllowAdminCreateUserOnly || a.InviteMessageTemplate != pool.AdminCreateUserConfig.InviteMessageTemplate || a.UnusedAccountValidityDays != 0 {
		t.Errorf("AdminCreateUserConfig %+v", *a)
	}
	if pool.AdminCreateUserConfig.UnusedAccountValidityDays != 7 {
		t.Error("the description was changed")
	}
	lc := in.LambdaConfig
	if *lc.CustomMessage != "arn:ours" || *lc.PreSignUp != "arn:pre" || *lc.PostConfirmation != "arn:post" || *lc.PreTokenGenerationConfig.LambdaArn != "arn:ptg" {
		t.Errorf("LambdaConfig %+v", *lc)
	}
	// Removing: only CustomMessage goes.
	if out := UpdateInput(pool, ""); out.LambdaConfig.CustomMessage != nil || *out.LambdaConfig.PreSignUp != "arn:pre" {
		t.Errorf("remove: %+v", *out.LambdaConfig)
	}
	// A pool without any trigger gets a LambdaConfig with just ours.
	bare := UpdateInput(&types.UserPoolType{Id: ptr("p")}, "arn:ours")
	if !reflect.DeepEqual(*bare.LambdaConfig, types.LambdaConfigType{CustomMessage: ptr("arn:ours")}) {
		t.Errorf("bare: %+v", *bare.LambdaConfig)
	}
}

func ptrI(i int32) *int32 { return &i }

func TestDecide(t *testing.T) {
	const ours, old, foreign = "arn:ours", "arn:ours-old", "arn:someone-else"
	prior := &State{PoolID: "p", FunctionArn: old, Previous: foreign}
	for _, c := range []struct {
		name             string
		current          string
		replace          bool
		prior            *State
		previous         string
		foreignTriggered bool
	}{
		{"empty pool", "", false, nil, "", false},
		{"foreign trigger refused", foreign, false, nil, "", true},
		{"foreign trigger replaced", foreign, true, nil, foreign, false},
		{"already ours", ours, false, nil, "", false},
		{"update: our old function", old, false, prior, foreign, false},
		{"update: already the new one", ours, false, prior, foreign, false},
		{"update: someone re-wired meanwhile", "arn:third", false, prior, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			prev, err := Decide(c.current, ours, c.replace, c.prior)
			if c.foreignTriggered {
				if !errors.Is(err, ErrForeignTrigger) {
					t.Errorf("err = %v; want ErrForeignTrigger", err)
				}
				return
			}
			if err != nil || prev != c.previous {
				t.Errorf("Decide = %q, %v; want %q", prev, err, c.previous)
			}
		})
	}
}

func TestPhysicalID(t *testing.T) {
	for _, st := range []State{
		{"eu-central-1_Abc", "arn:aws:lambda:eu-central-1:123456789012:function:f", ""},
		{"eu-central-1_Abc", "arn:aws:lambda:eu-central-1:123456789012:function:f", "arn:aws:lambda:eu-central-1:123456789012:function:old"},
	} {
		got, ok := ParsePhysicalID(st.PhysicalID())
		if !ok || got != st {
			t.Errorf("round trip %+v -> %+v, %v", st, got, ok)
		}
	}
	for _, id := range []string{"", "c3c6e5f8-request-id", "cognito-custom-message|p", "other|p|f|x", "cognito-custom-message||f|"} {
		if _, ok := ParsePhysicalID(id); ok {
			t.Errorf("ParsePhysicalID(%q) accepted", id)
		}
	}
}
