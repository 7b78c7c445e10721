//go:build e2e

package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"cognito-custom-message/internal/lambdarie"
	"cognito-custom-message/internal/poolattach"
)

const (
	ours     = "arn:aws:lambda:us-east-1:123456789012:function:cognito-custom-message"
	oursV2   = "arn:aws:lambda:us-east-1:123456789012:function:cognito-custom-message-v2"
	foreign  = "arn:aws:lambda:us-east-1:123456789012:function:legacy-custom-message"
	rewired  = "arn:aws:lambda:us-east-1:123456789012:function:someone-elses"
	preSign  = "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up"
	postConf = "arn:aws:lambda:us-east-1:123456789012:function:post-confirmation"
)

// provider runs the custom-resource provider's real bootstrap under the emulator, against
// cognito-local, and plays CloudFormation: it sends the request and reads the response the provider
// PUTs to the pre-signed URL.
type provider struct {
	t         *testing.T
	emu       *lambdarie.Emulator
	responses chan cfn.Response
	url       string
}

func startProvider(t *testing.T, ctx context.Context, endpoint string) *provider {
	t.Helper()
	root, _ := filepath.Abs("..")
	bin := filepath.Join(t.TempDir(), "bootstrap")
	if err := lambdarie.Build(ctx, root, "./provider", bin, ""); err != nil {
		t.Fatal(err)
	}
	rie, err := lambdarie.ToolPath(ctx)
	if err != nil {
		t.Fatal(err)
	}
	emu, err := lambdarie.Start(rie, bin, "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER="+endpoint,
		"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true")
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{t: t, emu: emu, responses: make(chan cfn.Response, 1)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var resp cfn.Response
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &resp); err != nil {
			t.Errorf("provider's response is not JSON: %s", b)
		}
		p.responses <- resp
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	p.url = "http://" + l.Addr().String() + "/response"
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("provider log:\n%s", emu.Logs())
		}
		_ = srv.Close()
		emu.Stop()
	})
	return p
}

func (p *provider) send(ctx context.Context, typ cfn.RequestType, physicalID string, props, old map[string]any) cfn.Response {
	p.t.Helper()
	ev := cfn.Event{
		RequestType: typ, RequestID: "req-" + string(typ), ResponseURL: p.url, ResourceType: "Custom::CognitoCustomMessageTrigger",
		PhysicalResourceID: physicalID, LogicalResourceID: "CustomMessageTrigger",
		StackID: "arn:aws:cloudformation:us-east-1:123456789012:stack/test/1", ResourceProperties: props, OldResourceProperties: old,
	}
	b, _ := json.Marshal(ev)
	if _, err := p.emu.Invoke(ctx, b); err != nil {
		p.t.Fatalf("provider: %v", err)
	}
	select {
	case r := <-p.responses:
		return r
	case <-time.After(30 * time.Second):
		p.t.Fatal("the provider sent no response to CloudFormation")
	}
	return cfn.Response{}
}

func props(pool, fn string, replace bool) map[string]any {
	r := "false"
	if replace {
		r = "true"
	}
	return map[string]any{"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:provider", "UserPoolId": pool, "FunctionArn": fn, "ReplaceExisting": r}
}

func sdk(endpoint string) *cip.Client {
	return cip.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		BaseEndpoint: aws.String(endpoint),
	})
}

// richPool creates a pool with non-default settings and other triggers, and CustomMessage as given.
func richPool(t *testing.T, ctx context.Context, c *cip.Client, name, customMessage string) string {
	t.Helper()
	lc := &types.LambdaConfigType{PreSignUp: aws.String(preSign), PostConfirmation: aws.String(postConf)}
	if customMessage != "" {
		lc.CustomMessage = aws.String(customMessage)
	}
	out, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:               aws.String(name),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)}}},
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true,
			InviteMessageTemplate: &types.MessageTemplateType{EmailSubject: aws.String("Welcome"), EmailMessage: aws.String("User {username}, password {####}"), SMSMessage: aws.String("{username} {####}")}},
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true},
		EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn: aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com"), From: aws.String("Example <no-reply@example.com>"), ReplyToEmailAddress: aws.String("help@example.com")},
		EmailVerificationMessage: aws.String("Your code is {####}"), EmailVerificationSubject: aws.String("Your verification code"),
		LambdaConfig:     lc,
		MfaConfiguration: types.UserPoolMfaTypeOff,
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(14), RequireLowercase: true,
			RequireNumbers: true, RequireSymbols: true, RequireUppercase: true, TemporaryPasswordValidityDays: 3}},
		SmsAuthenticationMessage: aws.String("Sign-in code {####}"), SmsVerificationMessage: aws.String("Verification code {####}"),
		SmsConfiguration:            &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/cognito-sms"), ExternalId: aws.String("external-id")},
		UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}},
		UserPoolAddOns:              &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit},
		UserPoolTags:                map[string]string{"team": "identity", "cost-center": "42"},
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithCode,
			EmailMessage: aws.String("Your code is {####}"), EmailSubject: aws.String("Your verification code"), SmsMessage: aws.String("Verification code {####}")},
	})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	return *out.UserPool.Id
}

func describePool(t *testing.T, ctx context.Context, c *cip.Client, id string) types.UserPoolType {
	t.Helper()
	out, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeUserPool: %v", err)
	}
	return *out.UserPool
}

// samePool compares two descriptions field by field, but for the modification date and the
// CustomMessage trigger, which must be wantCustomMessage.
func samePool(t *testing.T, before, after types.UserPoolType, wantCustomMessage string) {
	t.Helper()
	got := ""
	if after.LambdaConfig != nil && after.LambdaConfig.CustomMessage != nil {
		got = *after.LambdaConfig.CustomMessage
	}
	if got != wantCustomMessage {
		t.Errorf("CustomMessage = %q; want %q", got, wantCustomMessage)
	}
	norm := func(p types.UserPoolType) types.UserPoolType {
		p.LastModifiedDate = nil
		// Meaningless once the password policy sets TemporaryPasswordValidityDays, and refused by
		// UpdateUserPool alongside it, so the mapping drops it (see poolattach.UpdateInput).
		if a := p.AdminCreateUserConfig; a != nil && p.Policies != nil && p.Policies.PasswordPolicy != nil &&
			p.Policies.PasswordPolicy.TemporaryPasswordValidityDays != 0 {
			c := *a
			c.UnusedAccountValidityDays = 0
			p.AdminCreateUserConfig = &c
		}
		if p.LambdaConfig != nil {
			lc := *p.LambdaConfig
			lc.CustomMessage = nil
			p.LambdaConfig = &lc
		}
		return p
	}
	b, a := norm(before), norm(after)
	bv, av := reflect.ValueOf(b), reflect.ValueOf(a)
	for i := 0; i < bv.NumField(); i++ {
		f := bv.Type().Field(i)
		if f.IsExported() && !reflect.DeepEqual(bv.Field(i).Interface(), av.Field(i).Interface()) {
			bj, _ := json.Marshal(bv.Field(i).Interface())
			aj, _ := json.Marshal(av.Field(i).Interface())
			t.Errorf("%s changed:\nbefore %s\nafter  %s", f.Name, bj, aj)
		}
	}
}

// TestExistingPool attaches the trigger to pools the stack does not own and detaches it, through the
// custom-resource provider's real bootstrap, and checks that nothing else about the pools changes.
func TestExistingPool(t *testing.T) {
	e := setup(t)
	ctx := e.ctx
	c := sdk(e.h.Endpoint)
	p := startProvider(t, ctx, e.h.Endpoint)

	t.Run("attach to a pool without CustomMessage, then detach", func(t *testing.T) {
		id := richPool(t, ctx, c, "existing", "")
		before := describePool(t, ctx, c, id)
		r := p.send(ctx, cfn.RequestCreate, "", props(id, ours, false), nil)
		if r.Status != cfn.StatusSuccess {
			t.Fatalf("create: %s %s", r.Status, r.Reason)
		}
		samePool(t, before, describePool(t, ctx, c, id), ours)
		r = p.send(ctx, cfn.RequestDelete, r.PhysicalResourceID, props(id, ours, false), nil)
		if r.Status != cfn.StatusSuccess {
			t.Fatalf("delete: %s %s", r.Status, r.Reason)
		}
		samePool(t, before, describePool(t, ctx, c, id), "")
	})

	t.Run("a foreign trigger: refused, replaced, updated, restored", func(t *testing.T) {
		id := richPool(t, ctx, c, "legacy", foreign)
		before := describePool(t, ctx, c, id)

		r := p.send(ctx, cfn.RequestCreate, "", props(id, ours, false), nil)
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, foreign) || !strings.Contains(r.Reason, "replaceExistingTrigger=true") {
			t.Fatalf("create without replace: %s %q; want FAILED naming the trigger and the setting", r.Status, r.Reason)
		}
		samePool(t, before, describePool(t, ctx, c, id), foreign)
		// CloudFormation's rollback deletes the failed resource: nothing may change.
		if r := p.send(ctx, cfn.RequestDelete, r.PhysicalResourceID, props(id, ours, false), nil); r.Status != cfn.StatusSuccess {
			t.Fatalf("rollback delete: %s %s", r.Status, r.Reason)
		}
		samePool(t, before, describePool(t, ctx, c, id), foreign)

		created := p.send(ctx, cfn.RequestCreate, "", props(id, ours, true), nil)
		if created.Status != cfn.StatusSuccess || created.Data["PreviousCustomMessage"] != foreign {
			t.Fatalf("create with replace: %s %q %v", created.Status, created.Reason, created.Data)
		}
		samePool(t, before, describePool(t, ctx, c, id), ours)

		// A new function version: Update attaches it and remembers the original trigger; the Delete
		// CloudFormation then sends for the old physical ID changes nothing.
		updated := p.send(ctx, cfn.RequestUpdate, created.PhysicalResourceID, props(id, oursV2, true), props(id, ours, true))
		if updated.Status != cfn.StatusSuccess || updated.Data["PreviousCustomMessage"] != foreign || updated.PhysicalResourceID == created.PhysicalResourceID {
			t.Fatalf("update: %s %q %v", updated.Status, updated.Reason, updated.Data)
		}
		if r := p.send(ctx, cfn.RequestDelete, created.PhysicalResourceID, props(id, ours, true), nil); r.Status != cfn.StatusSuccess {
			t.Fatalf("delete of the old physical ID: %s", r.Reason)
		}
		samePool(t, before, describePool(t, ctx, c, id), oursV2)

		if r := p.send(ctx, cfn.RequestDelete, updated.PhysicalResourceID, props(id, oursV2, true), nil); r.Status != cfn.StatusSuccess {
			t.Fatalf("delete: %s", r.Reason)
		}
		samePool(t, before, describePool(t, ctx, c, id), foreign)
	})

	t.Run("a pool re-wired since is left alone", func(t *testing.T) {
		id := richPool(t, ctx, c, "rewired", "")
		r := p.send(ctx, cfn.RequestCreate, "", props(id, ours, false), nil)
		if r.Status != cfn.StatusSuccess {
			t.Fatalf("create: %s", r.Reason)
		}
		pool := describePool(t, ctx, c, id)
		if _, err := c.UpdateUserPool(ctx, poolattach.UpdateInput(&pool, rewired)); err != nil {
			t.Fatal(err)
		}
		before := describePool(t, ctx, c, id)
		if r := p.send(ctx, cfn.RequestDelete, r.PhysicalResourceID, props(id, ours, false), nil); r.Status != cfn.StatusSuccess {
			t.Fatalf("delete: %s", r.Reason)
		}
		samePool(t, before, describePool(t, ctx, c, id), rewired)
	})

	t.Run("cognito-local resets what UpdateUserPool is not given", func(t *testing.T) {
		// The reason for the whole package: a naive update loses the pool's settings.
		id := richPool(t, ctx, c, "naive", foreign)
		if _, err := c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(id),
			LambdaConfig: &types.LambdaConfigType{CustomMessage: aws.String(ours)}}); err != nil {
			t.Fatal(err)
		}
		after := describePool(t, ctx, c, id)
		if after.LambdaConfig.PreSignUp != nil || after.Policies != nil || after.EmailVerificationMessage != nil {
			t.Errorf("a bare UpdateUserPool kept the other settings; the emulator no longer shows the reset")
		}
	})
}
