package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"cognito-custom-message/internal/awsfake"
	"cognito-custom-message/internal/poolattach"
)

const (
	stackID = "arn:aws:cloudformation:eu-central-1:123456789012:stack/CognitoCustomMessage-dev/5b1c0e70-cb1d-11f0-9d8e-0a1b2c3d4e5f"
	ours    = "arn:aws:lambda:eu-central-1:123456789012:function:CognitoCustomMessage-dev-Function76856677-AbCdEf"
	legacy  = "arn:aws:lambda:eu-central-1:123456789012:function:bank-app-legacy-messages"
	someone = "arn:aws:lambda:eu-central-1:123456789012:function:someone-elses"
)

// world is one fake Cognito and one fake CloudFormation, and the log every provider writes to.
type world struct {
	t      *testing.T
	cog    *awsfake.Cognito
	stacks *awsfake.CloudFormation
	logs   *bytes.Buffer
}

func newWorld(t *testing.T, fixtures ...string) *world {
	t.Helper()
	w := &world{t: t, cog: awsfake.NewCognito(), stacks: awsfake.NewCloudFormation(), logs: &bytes.Buffer{}}
	t.Cleanup(w.cog.Close)
	t.Cleanup(w.stacks.Close)
	for _, f := range fixtures {
		b, err := os.ReadFile(filepath.Join("..", "internal", "poolattach", "testdata", "pools", f+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.cog.Put(b); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("provider log:\n%s", w.logs)
		}
	})
	return w
}

// onlyPool is the provider role's IAM policy: Describe and Update on one pool's ARN, nothing else.
type onlyPool struct {
	api  poolattach.API
	pool string
}

var errDenied = errors.New("AccessDeniedException: not authorized to perform this action on this user pool")

func (o onlyPool) DescribeUserPool(ctx context.Context, in *cip.DescribeUserPoolInput, f ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error) {
	if *in.UserPoolId != o.pool {
		return nil, errDenied
	}
	return o.api.DescribeUserPool(ctx, in, f...)
}

func (o onlyPool) UpdateUserPool(ctx context.Context, in *cip.UpdateUserPoolInput, f ...func(*cip.Options)) (*cip.UpdateUserPoolOutput, error) {
	if *in.UserPoolId != o.pool {
		return nil, errDenied
	}
	return o.api.UpdateUserPool(ctx, in, f...)
}

// provider is the copy of the provider the stack deploys for one pool, with that pool's IAM scope.
func (w *world) provider(pool string) *Handler {
	return &Handler{
		Cognito: onlyPool{w.cog.Client(), pool},
		Stacks:  w.stacks.Client(),
		Log:     slog.New(slog.NewJSONHandler(w.logs, nil)),
		Env:     Env{PoolID: pool, FunctionArn: ours, StackID: stackID},
	}
}

type response struct {
	ok         bool
	reason     string
	physicalID string
	data       map[string]any
}

// send plays CloudFormation: one request to the provider, and the response it would PUT.
func (w *world) send(h *Handler, typ cfn.RequestType, resource, physicalID string, props, old map[string]any) response {
	w.t.Helper()
	ev := cfn.Event{RequestType: typ, RequestID: "req-" + fmt.Sprint(len(w.logs.String())), ResourceType: resource,
		LogicalResourceID: "Attachment", StackID: stackID, PhysicalResourceID: physicalID, ResourceProperties: props, OldResourceProperties: old}
	id, data, err := h.Handle(context.Background(), ev)
	r := response{ok: err == nil, physicalID: id, data: data}
	if err != nil {
		r.reason = err.Error()
	}
	if id == "" {
		r.physicalID = ev.RequestID // what cfn.LambdaWrap falls back to
	}
	return r
}

func props(pool string, replace, managed bool) map[string]any {
	return map[string]any{"ServiceToken": "arn:aws:lambda:eu-central-1:123456789012:function:Provider", "UserPoolId": pool,
		"FunctionArn": ours, "ReplaceExisting": fmt.Sprint(replace), "AllowManagedPool": fmt.Sprint(managed)}
}

func (w *world) trigger(pool string) string {
	p := w.cog.Pool(pool)
	lc, _ := p["LambdaConfig"].(map[string]any)
	s, _ := lc["CustomMessage"].(string)
	return s
}

// restorable is what a delete would put back now: the pool's record, read as the provider reads it.
func (w *world) restorable(pool string) string {
	x, err := poolattach.PlanDetach(context.Background(), w.cog.Client(), pool, ours)
	if err != nil {
		w.t.Fatal(err)
	}
	if x.Plan == nil {
		return "(nothing: " + x.Note + ")"
	}
	return x.Restore
}

func (w *world) rewire(pool, arn string) {
	w.cog.Edit(pool, func(p map[string]any) {
		lc, _ := p["LambdaConfig"].(map[string]any)
		if lc == nil {
			lc = map[string]any{}
			p["LambdaConfig"] = lc
		}
		lc["CustomMessage"] = arn
	})
}

func (w *world) expect(pool, trigger, restorable string) {
	w.t.Helper()
	if got := w.trigger(pool); got != trigger {
		w.t.Errorf("%s: CustomMessage %q; want %q", pool, got, trigger)
	}
	if got := w.restorable(pool); got != restorable {
		w.t.Errorf("%s: a delete would restore %q; want %q", pool, got, restorable)
	}
}

func must(t *testing.T, what string, r response) response {
	t.Helper()
	if !r.ok {
		t.Fatalf("%s: FAILED %s", what, r.reason)
	}
	return r
}

func mustFail(t *testing.T, what string, r response, want string) {
	t.Helper()
	if r.ok || !strings.Contains(r.reason, want) {
		t.Fatalf("%s: ok=%v %q; want FAILED containing %q", what, r.ok, r.reason, want)
	}
}

var (
	smsPool  = "eu-central-1_SmsMfa0001" // CustomMessage: legacy
	sesPool  = "eu-central-1_DevSes0001" // no CustomMessage
	linkPool = "eu-central-1_LinkVerif1" // link verification: the previous release's update is refused
)

func TestCreateThenDelete(t *testing.T) {
	w := newWorld(t, "developer-ses")
	p := w.provider(sesPool)
	r := must(t, "create", w.send(p, cfn.RequestCreate, TypeAttach, "", props(sesPool, false, false), nil))
	if r.data["PreviousCustomMessage"] != "" || r.data["Attached"] != "true" {
		t.Errorf("data %v", r.data)
	}
	w.expect(sesPool, ours, "")
	must(t, "delete", w.send(p, cfn.RequestDelete, TypeAttach, r.physicalID, props(sesPool, false, false), nil))
	w.expect(sesPool, "", "(nothing: the pool's CustomMessage trigger is \"\", not ours: left alone)")
}

// TestForeignTrigger: refused without replace (and its rollback Delete changes nothing); replaced
// with it, and put back on delete.
func TestForeignTrigger(t *testing.T) {
	w := newWorld(t, "sms-mfa")
	p := w.provider(smsPool)
	r := w.send(p, cfn.RequestCreate, TypeAttach, "", props(smsPool, false, false), nil)
	mustFail(t, "create without replace", r, "replaceExistingTrigger=true")
	if !strings.Contains(r.reason, legacy) {
		t.Errorf("the refusal does not name the trigger: %s", r.reason)
	}
	must(t, "rollback delete", w.send(p, cfn.RequestDelete, TypeAttach, r.physicalID, props(smsPool, false, false), nil))
	w.expect(smsPool, legacy, "(nothing: the pool's CustomMessage trigger is \""+legacy+"\", not ours: left alone)")
	if n := w.cog.Calls("UpdateUserPool"); n != 0 {
		t.Errorf("%d updates", n)
	}

	r = must(t, "create with replace", w.send(p, cfn.RequestCreate, TypeAttach, "", props(smsPool, true, false), nil))
	if r.data["PreviousCustomMessage"] != legacy {
		t.Errorf("data %v", r.data)
	}
	w.expect(smsPool, ours, legacy)
	must(t, "delete", w.send(p, cfn.RequestDelete, TypeAttach, r.physicalID, props(smsPool, true, false), nil))
	w.expect(smsPool, legacy, "(nothing: the pool's CustomMessage trigger is \""+legacy+"\", not ours: left alone)")
}

// TestRetriedCreate: CloudFormation sends the Create again after the first one's update went
// through (the response was lost). The previous release then recorded "no previous trigger", and a
// later delete removed the legacy trigger instead of restoring it.
func TestRetriedCreate(t *testing.T) {
	w := newWorld(t, "sms-mfa")
	p := w.provider(smsPool)
	must(t, "create", w.send(p, cfn.RequestCreate, TypeAttach, "", props(smsPool, true, false), nil))
	r := must(t, "retried create", w.send(p, cfn.RequestCreate, TypeAttach, "", props(smsPool, true, false), nil))
	if r.data["PreviousCustomMessage"] != legacy {
		t.Errorf("retried create reports previous %v", r.data["PreviousCustomMessage"])
	}
	w.expect(smsPool, ours, legacy)
	must(t, "delete", w.send(p, cfn.RequestDelete, TypeAttach, r.physicalID, props(smsPool, true, false), nil))
	w.expect(smsPool, legacy, "(nothing: the pool's CustomMessage trigger is \""+legacy+"\", not ours: left alone)")
}

// TestDeleteAfterFailedCreate: the Create's update went through but CloudFormation saw a failure
// (the provider timed out before answering), so it rolls back with a Delete whose physical ID is
// not one the provider returned. The previous release could not read its state from that ID and
// left the pool pointing at a function about to be deleted.
func TestDeleteAfterFailedCreate(t *testing.T) {
	w := newWorld(t, "sms-mfa")
	p := w.provider(smsPool)
	w.send(p, cfn.RequestCreate, TypeAttach, "", props(smsPool, true, false), nil) // its answer is lost
	must(t, "rollback delete", w.send(p, cfn.RequestDelete, TypeAttach, "2026/11/27/[$LATEST]0123456789abcdef", props(smsPool, true, false), nil))
	w.expect(smsPool, legacy, "(nothing: the pool's CustomMessage trigger is \""+legacy+"\", not ours: left alone)")
}

// TestUpdateSamePool toggles replace: the options are recorded, the trigger stays, the previous
// trigger survives; and taking over a pool someone re-wired since records what it replaced.
func TestUpdateSamePool(t *testing.T) {
	w := newWorld(t, "sms-mfa")
	p := w.provider(smsPool)
	r := must(t, "create", w.send(p, cfn.RequestCreate, TypeAttach, "", props(smsPool, true, false), nil))
	must(t, "update replace=false", w.send(p, cfn.RequestUpdate, TypeAttach, r.physicalID, props(smsPool, false, false), props(smsPool, true, false)))
	w.expect(smsPool, ours, legacy)
	r2 := must(t, "update replace=true", w.send(p, cfn.RequestUpdate, TypeAttach, r.physicalID, props(smsPool, true, false), props(smsPool, false, false)))
	if r2.physicalID != r.physicalID {
		t.Errorf("physical ID changed on update (%s -> %s): CloudFormation would send a Delete for the old one", r.physicalID, r2.physicalID)
	}
	w.expect(smsPool, ours, legacy)

	// Someone re-wires the pool. Switching replace off now is a forward change that would have to
	// take the pool over: refused, nothing changes.
	w.rewire(smsPool, someone)
	mustFail(t, "update replace=false on a re-wired pool", w.send(p, cfn.RequestUpdate, TypeAttach, r.physicalID, props(smsPool, false, false), props(smsPool, true, false)), "replaceExistingTrigger=true")
	w.expect(smsPool, someone, "(nothing: the pool's CustomMessage trigger is \""+someone+"\", not ours: left alone)")
	// Its rollback returns to replace=true, which takes the pool over again, recording what it
	// replaced; the stack's delete puts that back.
	must(t, "rollback to replace=true", w.send(p, cfn.RequestUpdate, TypeAttach, r.physicalID, props(smsPool, true, false), props(smsPool, false, false)))
	w.expect(smsPool, ours, someone)
	must(t, "delete", w.send(p, cfn.RequestDelete, TypeAttach, r.physicalID, props(smsPool, true, false), nil))
	w.expect(smsPool, someone, "(nothing: the pool's CustomMessage trigger is \""+someone+"\", not ours: left alone)")
}

// TestUpdateRefusedAndItsRollback (issue 11, point 5): the pool was re-wired since; an update that
// would need to take it over without replace fails, changing nothing — and its rollback, an
// Update back to the options last applied, succeeds instead of leaving the stack in
// UPDATE_ROLLBACK_FAILED. The previous release failed both.
func TestUpdateRefusedAndItsRollback(t *testing.T) {
	w := newWorld(t, "developer-ses")
	p := w.provider(sesPool)
	r := must(t, "create", w.send(p, cfn.RequestCreate, TypeAttach, "", props(sesPool, false, false), nil))
	w.rewire(sesPool, someone)
	mustFail(t, "forward update", w.send(p, cfn.RequestUpdate, TypeAttach, r.physicalID, props(sesPool, false, true), props(sesPool, false, false)), "replaceExistingTrigger=true")
	rb := must(t, "rollback update", w.send(p, cfn.RequestUpdate, TypeAttach, r.physicalID, props(sesPool, false, false), props(sesPool, false, true)))
	if rb.data["Attached"] != "false" || rb.data["PreviousCustomMessage"] == nil {
		t.Errorf("rollback data %v", rb.data)
	}
	if w.trigger(sesPool) != someone || w.cog.Calls("UpdateUserPool") != 1 {
		t.Errorf("trigger %q after %d updates; want the re-wired one, untouched", w.trigger(sesPool), w.cog.Calls("UpdateUserPool"))
	}
	if !strings.Contains(w.logs.String(), `"level":"ERROR","msg":"left as it is`) {
		t.Errorf("the rollback that left the pool re-wired logged no error for the alarm:\n%s", w.logs)
	}
	// The stack's delete then leaves the re-wired pool alone.
	must(t, "delete", w.send(p, cfn.RequestDelete, TypeAttach, r.physicalID, props(sesPool, false, false), nil))
	w.expect(sesPool, someone, "(nothing: the pool's CustomMessage trigger is \""+someone+"\", not ours: left alone)")
}

// TestUserPoolIDChange (issue 11, points 3 and 4) plays what CloudFormation does when userPoolId
// changes from P1 to P2 with the stack's per-pool resources: the P2 attachment (and its provider,
// role and invoke permission) is created first; the P1 ones are deleted in the cleanup phase, the
// attachment before the provider and permissions it depends on, so P1's provider may still touch
// P1. Each provider is limited to its own pool, as its IAM role is.
func TestUserPoolIDChange(t *testing.T) {
	t.Run("update completes: P1 restored, P2 attached", func(t *testing.T) {
		w := newWorld(t, "sms-mfa", "developer-ses")
		p1, p2 := w.provider(smsPool), w.provider(sesPool)
		a1 := must(t, "create P1", w.send(p1, cfn.RequestCreate, TypeAttach, "", props(smsPool, true, false), nil))
		must(t, "create P2", w.send(p2, cfn.RequestCreate, TypeAttach, "", props(sesPool, true, false), nil))
		must(t, "cleanup: delete P1", w.send(p1, cfn.RequestDelete, TypeAttach, a1.physicalID, props(smsPool, true, false), nil))
		w.expect(smsPool, legacy, "(nothing: the pool's CustomMessage trigger is \""+legacy+"\", not ours: left alone)")
		w.expect(sesPool, ours, "")
	})
	t.Run("update rolls back, stack deleted later: P1's legacy trigger restored", func(t *testing.T) {
		w := newWorld(t, "sms-mfa", "developer-ses")
		p1, p2 := w.provider(smsPool), w.provider(sesPool)
		a1 := must(t, "create P1", w.send(p1, cfn.RequestCreate, TypeAttach, "", props(smsPool, true, false), nil))
		a2 := must(t, "create P2", w.send(p2, cfn.RequestCreate, TypeAttach, "", props(sesPool, true, false), nil))
		// Another resource fails: the rollback deletes what the update created.
		must(t, "rollback: delete P2", w.send(p2, cfn.RequestDelete, TypeAttach, a2.physicalID, props(sesPool, true, false), nil))
		w.expect(sesPool, "", "(nothing: the pool's CustomMessage trigger is \"\", not ours: left alone)")
		w.expect(smsPool, ours, legacy)
		must(t, "stack delete: P1", w.send(p1, cfn.RequestDelete, TypeAttach, a1.physicalID, props(smsPool, true, false), nil))
		w.expect(smsPool, legacy, "(nothing: the pool's CustomMessage trigger is \""+legacy+"\", not ours: left alone)")
	})
	t.Run("P2 refused: the update fails, P1 untouched", func(t *testing.T) {
		w := newWorld(t, "sms-mfa", "link-verification")
		p1 := w.provider(smsPool)
		a1 := must(t, "create P1", w.send(p1, cfn.RequestCreate, TypeAttach, "", props(smsPool, true, false), nil))
		w.rewire(linkPool, someone)
		p2 := w.provider(linkPool)
		r := w.send(p2, cfn.RequestCreate, TypeAttach, "", props(linkPool, false, false), nil)
		mustFail(t, "create P2", r, "replaceExistingTrigger")
		must(t, "rollback: delete P2", w.send(p2, cfn.RequestDelete, TypeAttach, r.physicalID, props(linkPool, false, false), nil))
		w.expect(linkPool, someone, "(nothing: the pool's CustomMessage trigger is \""+someone+"\", not ours: left alone)")
		w.expect(smsPool, ours, legacy)
		must(t, "stack delete: P1", w.send(p1, cfn.RequestDelete, TypeAttach, a1.physicalID, props(smsPool, true, false), nil))
		w.expect(smsPool, legacy, "(nothing: the pool's CustomMessage trigger is \""+legacy+"\", not ours: left alone)")
	})
}

// TestLinkStylePool: the previous release's update is refused by Cognito on a link-verification
// pool (aws-cdk#6811); this one attaches and detaches it.
func TestLinkStylePool(t *testing.T) {
	w := newWorld(t, "link-verification")
	p := w.provider(linkPool)
	r := must(t, "create", w.send(p, cfn.RequestCreate, TypeAttach, "", props(linkPool, false, false), nil))
	w.expect(linkPool, ours, "")
	tmpl := w.cog.Pool(linkPool)["VerificationMessageTemplate"].(map[string]any)
	if tmpl["EmailMessageByLink"] != "Welcome to the shop! Please confirm your address: {##Confirm my email##}" || tmpl["DefaultEmailOption"] != "CONFIRM_WITH_LINK" {
		t.Errorf("link template lost: %v", tmpl)
	}
	must(t, "delete", w.send(p, cfn.RequestDelete, TypeAttach, r.physicalID, props(linkPool, false, false), nil))
	w.expect(linkPool, "", "(nothing: the pool's CustomMessage trigger is \"\", not ours: left alone)")
}

func TestManagedAndFuturePools(t *testing.T) {
	w := newWorld(t, "managed-by-stack", "future-settings")
	const managed, future = "eu-central-1_Stack00001", "eu-central-1_Future0001"
	p := w.provider(managed)
	mustFail(t, "managed pool", w.send(p, cfn.RequestCreate, TypeAttach, "", props(managed, false, false), nil), "allowManagedPool=true")
	must(t, "managed pool, allowed", w.send(p, cfn.RequestCreate, TypeAttach, "", props(managed, false, true), nil))
	w.expect(managed, ours, "")
	tags := w.cog.Pool(managed)["UserPoolTags"].(map[string]any)
	if tags["aws:cloudformation:stack-name"] != "OrdersBackend" || tags["app"] != "orders" {
		t.Errorf("tags %v", tags)
	}

	f := w.provider(future)
	r := w.send(f, cfn.RequestCreate, TypeAttach, "", props(future, false, false), nil)
	mustFail(t, "future settings", r, "newer release")
	for _, field := range []string{"SessionPolicy.IdleTimeoutMinutes", "LambdaConfig.PreEmailChange", "Policies.PasswordPolicy.MinimumUniqueCharacters"} {
		if !strings.Contains(r.reason, field) {
			t.Errorf("the refusal does not name %s", field)
		}
	}
	if w.cog.Calls("UpdateUserPool") != 1 {
		t.Errorf("%d updates; want only the managed pool's", w.cog.Calls("UpdateUserPool"))
	}
}

// TestRefusesOtherPoolsAndFunctions: each copy of the provider acts only on what it was deployed
// for, whoever sends the event.
func TestRefusesOtherPoolsAndFunctions(t *testing.T) {
	w := newWorld(t, "developer-ses", "sms-mfa")
	p := w.provider(sesPool)
	other := props(smsPool, true, false)
	otherFn := props(sesPool, true, false)
	otherFn["FunctionArn"] = someone
	for name, ev := range map[string]struct {
		typ   cfn.RequestType
		props map[string]any
	}{
		"create, other pool":     {cfn.RequestCreate, other},
		"create, other function": {cfn.RequestCreate, otherFn},
		"update, other pool":     {cfn.RequestUpdate, other},
		"delete, other pool":     {cfn.RequestDelete, other},
	} {
		mustFail(t, name, w.send(p, ev.typ, TypeAttach, "x", ev.props, nil), "this provider acts only on pool "+sesPool)
	}
	h := w.provider(sesPool)
	h.Env.StackID = "arn:aws:cloudformation:eu-central-1:123456789012:stack/Other/1"
	mustFail(t, "other stack", w.send(h, cfn.RequestCreate, TypeAttach, "", props(sesPool, false, false), nil), "refused")
	if w.cog.Calls("DescribeUserPool")+w.cog.Calls("UpdateUserPool") != 0 {
		t.Error("a refused event reached Cognito")
	}
	mustFail(t, "unknown type", w.send(p, cfn.RequestCreate, "Custom::Other", "", props(sesPool, false, false), nil), "unknown resource type")
}

// ownPool is the stack's own pool as CloudFormation created it: wired to our function through its
// LambdaConfig, no record tags.
func ownPool(w *world) string {
	w.rewire(sesPool, ours)
	return sesPool
}

func detachProps(pool string) map[string]any {
	return map[string]any{"ServiceToken": "arn:aws:lambda:eu-central-1:123456789012:function:DetachProvider", "UserPoolId": pool, "FunctionArn": ours}
}

// TestDetachOnStackDelete (issue 10): the retained pool is detached when the stack is deleted (or
// its creation rolls back), and left to CloudFormation in every other path that deletes the
// resource: an update's cleanup after a replacement, an update's rollback, and when the stack's
// status cannot be read.
func TestDetachOnStackDelete(t *testing.T) {
	for _, c := range []struct {
		status   string
		detached bool
	}{
		{"DELETE_IN_PROGRESS", true},
		{"ROLLBACK_IN_PROGRESS", true},
		{"UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", false},
		{"UPDATE_ROLLBACK_IN_PROGRESS", false},
		{"UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", false},
		{"UPDATE_IN_PROGRESS", false},
		{"IMPORT_ROLLBACK_IN_PROGRESS", false},
	} {
		t.Run(c.status, func(t *testing.T) {
			w := newWorld(t, "developer-ses")
			pool := ownPool(w)
			p := w.provider(pool)
			r := must(t, "create", w.send(p, cfn.RequestCreate, TypeDetachOnStackDelete, "", detachProps(pool), nil))
			must(t, "update", w.send(p, cfn.RequestUpdate, TypeDetachOnStackDelete, r.physicalID, detachProps(pool), detachProps(pool)))
			if w.cog.Calls("UpdateUserPool")+w.cog.Calls("DescribeUserPool") != 0 {
				t.Fatal("create or update touched the pool")
			}
			w.stacks.SetStatus(stackID, c.status)
			must(t, "delete", w.send(p, cfn.RequestDelete, TypeDetachOnStackDelete, r.physicalID, detachProps(pool), nil))
			want := ours
			if c.detached {
				want = ""
			}
			if got := w.trigger(pool); got != want {
				t.Errorf("CustomMessage %q; want %q", got, want)
			}
			if get := w.cog.Pool(pool)["LambdaConfig"].(map[string]any); get["PreSignUp"] == nil || get["PostConfirmation"] == nil {
				t.Errorf("other triggers lost: %v", get)
			}
			// A retried delete changes nothing more.
			n := w.cog.Calls("UpdateUserPool")
			must(t, "retried delete", w.send(p, cfn.RequestDelete, TypeDetachOnStackDelete, r.physicalID, detachProps(pool), nil))
			if w.cog.Calls("UpdateUserPool") != n {
				t.Error("a retried delete updated the pool again")
			}
		})
	}
	t.Run("status unreadable: left wired, logged", func(t *testing.T) {
		w := newWorld(t, "developer-ses")
		pool := ownPool(w)
		p := w.provider(pool)
		w.stacks.SetStatus(stackID, "DELETE_IN_PROGRESS")
		w.stacks.FailNext(1)
		must(t, "delete", w.send(p, cfn.RequestDelete, TypeDetachOnStackDelete, "x", detachProps(pool), nil))
		if w.trigger(pool) != ours || !strings.Contains(w.logs.String(), `"level":"ERROR","msg":"left wired: cannot read the stack's status"`) {
			t.Errorf("trigger %q; log:\n%s", w.trigger(pool), w.logs)
		}
	})
	t.Run("pool gone", func(t *testing.T) {
		w := newWorld(t, "developer-ses")
		pool := ownPool(w)
		p := w.provider(pool)
		w.cog.Delete(pool)
		w.stacks.SetStatus(stackID, "DELETE_IN_PROGRESS")
		must(t, "delete", w.send(p, cfn.RequestDelete, TypeDetachOnStackDelete, "x", detachProps(pool), nil))
	})
	t.Run("another pool in the event", func(t *testing.T) {
		w := newWorld(t, "developer-ses", "sms-mfa")
		pool := ownPool(w)
		p := w.provider(pool)
		w.stacks.SetStatus(stackID, "DELETE_IN_PROGRESS")
		mustFail(t, "delete", w.send(p, cfn.RequestDelete, TypeDetachOnStackDelete, "x", detachProps(smsPool), nil), "refused")
		if w.trigger(pool) != ours || w.trigger(smsPool) != legacy {
			t.Error("a refused delete changed a pool")
		}
	})
	t.Run("a pool re-wired since is left alone", func(t *testing.T) {
		w := newWorld(t, "developer-ses")
		pool := ownPool(w)
		w.rewire(pool, someone)
		p := w.provider(pool)
		w.stacks.SetStatus(stackID, "DELETE_IN_PROGRESS")
		must(t, "delete", w.send(p, cfn.RequestDelete, TypeDetachOnStackDelete, "x", detachProps(pool), nil))
		if w.trigger(pool) != someone {
			t.Errorf("trigger %q", w.trigger(pool))
		}
	})
}

// TestLogs: one JSON line per request, with the decision, and nothing but identifiers.
func TestLogs(t *testing.T) {
	w := newWorld(t, "sms-mfa")
	p := w.provider(smsPool)
	r := must(t, "create", w.send(p, cfn.RequestCreate, TypeAttach, "", props(smsPool, true, false), nil))
	must(t, "delete", w.send(p, cfn.RequestDelete, TypeAttach, r.physicalID, props(smsPool, true, false), nil))
	lines := strings.Split(strings.TrimSpace(w.logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines; want 2:\n%s", len(lines), w.logs)
	}
	for i, want := range []map[string]any{
		{"level": "INFO", "msg": "attached", "request_type": "Create", "pool": smsPool, "previous": legacy, "changed": true},
		{"level": "INFO", "msg": "detached", "request_type": "Delete", "pool": smsPool, "restored": legacy, "changed": true},
	} {
		var got map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatalf("line %d is not JSON: %s", i, lines[i])
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("line %d: %s = %v; want %v", i, k, got[k], v)
			}
		}
	}
}

func TestEnvFromOS(t *testing.T) {
	env := map[string]string{EnvPoolID: sesPool, EnvFunctionArn: ours, EnvStackID: stackID}
	e, err := EnvFromOS(func(k string) string { return env[k] })
	if err != nil || e != (Env{PoolID: sesPool, FunctionArn: ours, StackID: stackID}) {
		t.Errorf("%+v %v", e, err)
	}
	env[EnvSenderArn] = "arn:aws:lambda:eu-central-1:123456789012:function:S"
	if e, _ := EnvFromOS(func(k string) string { return env[k] }); e.SenderArn != env[EnvSenderArn] {
		t.Errorf("SenderArn %q; want SENDER_ARN", e.SenderArn)
	}
	delete(env, EnvStackID)
	if _, err := EnvFromOS(func(k string) string { return env[k] }); err == nil {
		t.Error("a missing variable was accepted")
	}
}

// oursRenamed is the trigger function after a change of its logical ID or name: CloudFormation
// creates it under a new ARN, updates the provider's environment and then the attachment, and
// deletes the old function in the cleanup phase.
const oursRenamed = "arn:aws:lambda:eu-central-1:123456789012:function:CognitoCustomMessage-dev-TriggerFunction0A1B2C3D-GhIjKl"

// providerFor is the provider copy whose environment names fn.
func (w *world) providerFor(pool, fn string) *Handler {
	h := w.provider(pool)
	h.Env.FunctionArn = fn
	return h
}

func propsFor(pool, fn string, replace bool) map[string]any {
	p := props(pool, replace, false)
	p["FunctionArn"] = fn
	return p
}

// record is the pool's record as the provider reads it.
func (w *world) record(pool string) poolattach.Record {
	w.t.Helper()
	d, err := poolattach.Describe(context.Background(), w.cog.Client(), pool)
	if err != nil {
		w.t.Fatal(err)
	}
	r, _ := poolattach.RecordOf(d.Pool.UserPoolTags)
	return r
}

// expectOn checks that the pool calls fn, and that its record names fn and, as the trigger to
// restore, previous — never one of our functions.
func (w *world) expectOn(what, pool, fn, previous string) {
	w.t.Helper()
	if got := w.trigger(pool); got != fn {
		w.t.Errorf("%s: CustomMessage %q; want %q", what, got, fn)
	}
	r := w.record(pool)
	if r.Function != fn || r.Previous != previous || r.Owner != stackID {
		w.t.Errorf("%s: record %+v; want function %q, previous %q, owner the stack", what, r, fn, previous)
	}
	if r.Previous == ours || r.Previous == oursRenamed {
		w.t.Errorf("%s: one of our functions is recorded as the trigger to restore: %q", what, r.Previous)
	}
}

// TestFunctionReplaced (issue 16 §3): the trigger function's ARN changes (its logical ID or name
// changed). The previous release took our old function for a foreign trigger: without replace
// the update "succeeded" and left the pool on the old ARN, which the cleanup deletes; with it, the
// old function was recorded as the previous trigger, and the stack's delete restored a deleted
// function. Every CloudFormation path is played: create, update, retried update, the rollback in
// either order (the provider's environment rolled back before the attachment, or after), the
// cleanup-phase completion, and the stack's delete.
func TestFunctionReplaced(t *testing.T) {
	for _, c := range []struct {
		name     string
		fixture  string
		pool     string
		replace  bool
		original string // the pool's trigger before the stack
	}{
		{"replaceExistingTrigger=false", "developer-ses", sesPool, false, ""},
		{"replaceExistingTrigger=true", "sms-mfa", smsPool, true, legacy},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The update completes; the old function is deleted; later the stack is deleted.
			t.Run("update, retry, delete", func(t *testing.T) {
				w := newWorld(t, c.fixture)
				a := must(t, "create", w.send(w.providerFor(c.pool, ours), cfn.RequestCreate, TypeAttach, "", propsFor(c.pool, ours, c.replace), nil))
				w.expectOn("create", c.pool, ours, c.original)
				p2 := w.providerFor(c.pool, oursRenamed)
				u := must(t, "update", w.send(p2, cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(c.pool, oursRenamed, c.replace), propsFor(c.pool, ours, c.replace)))
				w.expectOn("update", c.pool, oursRenamed, c.original)
				if u.data["PreviousCustomMessage"] != c.original || u.data["Attached"] != "true" {
					t.Errorf("update data %v", u.data)
				}
				must(t, "retried update", w.send(p2, cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(c.pool, oursRenamed, c.replace), propsFor(c.pool, ours, c.replace)))
				w.expectOn("retried update", c.pool, oursRenamed, c.original)
				must(t, "stack delete", w.send(p2, cfn.RequestDelete, TypeAttach, a.physicalID, propsFor(c.pool, oursRenamed, c.replace), nil))
				if got := w.trigger(c.pool); got != c.original {
					t.Errorf("after the stack's delete the pool calls %q; want its original trigger %q", got, c.original)
				}
				if r := w.record(c.pool); r != (poolattach.Record{}) {
					t.Errorf("the stack's delete left a record: %+v", r)
				}
			})
			for _, order := range []string{"provider rolled back first", "attachment rolled back first"} {
				t.Run("rollback, "+order, func(t *testing.T) {
					w := newWorld(t, c.fixture)
					p1, p2 := w.providerFor(c.pool, ours), w.providerFor(c.pool, oursRenamed)
					a := must(t, "create", w.send(p1, cfn.RequestCreate, TypeAttach, "", propsFor(c.pool, ours, c.replace), nil))
					must(t, "update", w.send(p2, cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(c.pool, oursRenamed, c.replace), propsFor(c.pool, ours, c.replace)))
					// Another resource fails: CloudFormation reverts the attachment to the old function.
					w.stacks.SetStatus(stackID, "UPDATE_ROLLBACK_IN_PROGRESS")
					rollbackBy := p1
					if order == "attachment rolled back first" {
						rollbackBy = p2
					}
					must(t, "rollback", w.send(rollbackBy, cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(c.pool, ours, c.replace), propsFor(c.pool, oursRenamed, c.replace)))
					w.expectOn("rollback", c.pool, ours, c.original)
					must(t, "retried rollback", w.send(rollbackBy, cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(c.pool, ours, c.replace), propsFor(c.pool, oursRenamed, c.replace)))
					w.expectOn("retried rollback", c.pool, ours, c.original)
					// The rollback's cleanup deletes the new function; later the stack is deleted.
					w.stacks.SetStatus(stackID, "DELETE_IN_PROGRESS")
					must(t, "stack delete", w.send(p1, cfn.RequestDelete, TypeAttach, a.physicalID, propsFor(c.pool, ours, c.replace), nil))
					if got := w.trigger(c.pool); got != c.original {
						t.Errorf("after the stack's delete the pool calls %q; want its original trigger %q", got, c.original)
					}
				})
			}
		})
	}
}

// TestFunctionReplacedEdges: what decides "ours" when the function's ARN changes, and the one
// thing an update may not do — end with the pool on an earlier function of ours.
func TestFunctionReplacedEdges(t *testing.T) {
	t.Run("a record written before owners were kept: the old function is recognised from the update", func(t *testing.T) {
		w := newWorld(t, "sms-mfa")
		a := must(t, "create", w.send(w.providerFor(smsPool, ours), cfn.RequestCreate, TypeAttach, "", propsFor(smsPool, ours, true), nil))
		w.cog.Edit(smsPool, func(p map[string]any) { delete(p["UserPoolTags"].(map[string]any), poolattach.TagOwner) })
		must(t, "update", w.send(w.providerFor(smsPool, oursRenamed), cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(smsPool, oursRenamed, false), propsFor(smsPool, ours, false)))
		w.expectOn("update", smsPool, oursRenamed, legacy)
	})
	t.Run("a record the previous release wrote with our old function as previous is not restored", func(t *testing.T) {
		w := newWorld(t, "sms-mfa")
		a := must(t, "create", w.send(w.providerFor(smsPool, ours), cfn.RequestCreate, TypeAttach, "", propsFor(smsPool, ours, true), nil))
		// What the previous release did on a function replacement with replace=true.
		w.rewire(smsPool, oursRenamed)
		w.cog.Edit(smsPool, func(p map[string]any) {
			p["UserPoolTags"] = map[string]any{poolattach.TagFunction: oursRenamed, poolattach.TagPrevious: ours, poolattach.TagApplied: "replace=true managed=false"}
		})
		w.stacks.SetStatus(stackID, "UPDATE_ROLLBACK_IN_PROGRESS")
		must(t, "rollback", w.send(w.providerFor(smsPool, ours), cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(smsPool, ours, true), propsFor(smsPool, oursRenamed, true)))
		w.expectOn("rollback", smsPool, ours, "")
		must(t, "stack delete", w.send(w.providerFor(smsPool, ours), cfn.RequestDelete, TypeAttach, a.physicalID, propsFor(smsPool, ours, true), nil))
		if got := w.trigger(smsPool); got != "" {
			t.Errorf("the stack's delete restored %q; want none rather than a function of ours", got)
		}
	})
	t.Run("another stack's attachment stays foreign", func(t *testing.T) {
		w := newWorld(t, "developer-ses")
		must(t, "create", w.send(w.providerFor(sesPool, ours), cfn.RequestCreate, TypeAttach, "", propsFor(sesPool, ours, false), nil))
		other := w.providerFor(sesPool, oursRenamed)
		other.Env.StackID = "arn:aws:cloudformation:eu-central-1:123456789012:stack/Other/1"
		ev := propsFor(sesPool, oursRenamed, false)
		id, _, err := other.Handle(context.Background(), cfn.Event{RequestType: cfn.RequestCreate, ResourceType: TypeAttach, StackID: other.Env.StackID, ResourceProperties: ev})
		if err == nil || !strings.Contains(err.Error(), "replaceExistingTrigger=true") {
			t.Fatalf("another stack's create: %s %v; want the foreign-trigger refusal", id, err)
		}
		w.expectOn("after the other stack's create", sesPool, ours, "")
	})
	t.Run("the pool cannot be moved: the update fails instead of leaving it on the old function", func(t *testing.T) {
		w := newWorld(t, "developer-ses")
		a := must(t, "create", w.send(w.providerFor(sesPool, ours), cfn.RequestCreate, TypeAttach, "", propsFor(sesPool, ours, false), nil))
		// AWS added a pool setting since: no update this release builds may be sent.
		w.cog.Edit(sesPool, func(p map[string]any) { p["SessionPolicy"] = map[string]any{"IdleTimeoutMinutes": 30} })
		r := w.send(w.providerFor(sesPool, oursRenamed), cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(sesPool, oursRenamed, false), propsFor(sesPool, ours, false))
		mustFail(t, "update", r, "an earlier function of this stack that CloudFormation deletes after this update")
		if w.trigger(sesPool) != ours {
			t.Errorf("trigger %q", w.trigger(sesPool))
		}
	})
	t.Run("the record is gone: the update fails instead of leaving the pool on the old function", func(t *testing.T) {
		w := newWorld(t, "developer-ses")
		a := must(t, "create", w.send(w.providerFor(sesPool, ours), cfn.RequestCreate, TypeAttach, "", propsFor(sesPool, ours, false), nil))
		w.cog.Edit(sesPool, func(p map[string]any) { delete(p, "UserPoolTags") })
		r := w.send(w.providerFor(sesPool, oursRenamed), cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(sesPool, oursRenamed, false), propsFor(sesPool, ours, false))
		mustFail(t, "update", r, "an earlier function of this stack")
		// With replace, the pool moves on, and our old function is not recorded as previous.
		must(t, "update with replace", w.send(w.providerFor(sesPool, oursRenamed), cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(sesPool, oursRenamed, true), propsFor(sesPool, ours, true)))
		w.expectOn("update with replace", sesPool, oursRenamed, "")
	})
	t.Run("another function outside a rollback is refused", func(t *testing.T) {
		w := newWorld(t, "developer-ses")
		p1, p2 := w.providerFor(sesPool, ours), w.providerFor(sesPool, oursRenamed)
		a := must(t, "create", w.send(p1, cfn.RequestCreate, TypeAttach, "", propsFor(sesPool, ours, false), nil))
		must(t, "update", w.send(p2, cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(sesPool, oursRenamed, false), propsFor(sesPool, ours, false)))
		for _, status := range []string{"UPDATE_COMPLETE", "UPDATE_IN_PROGRESS", ""} {
			if status != "" {
				w.stacks.SetStatus(stackID, status)
			}
			mustFail(t, "status "+status, w.send(p2, cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(sesPool, someone, false), propsFor(sesPool, oursRenamed, false)), "this provider acts only on")
		}
		w.stacks.SetStatus(stackID, "UPDATE_ROLLBACK_IN_PROGRESS")
		// Not from this copy's function: refused even during a rollback.
		mustFail(t, "old function not ours", w.send(p2, cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(sesPool, ours, false), propsFor(sesPool, someone, false)), "this provider acts only on")
		w.expectOn("after the refusals", sesPool, oursRenamed, "")
	})
}

// TestOwnPoolReplaced (issue 16 §4): CloudFormation replaces the stack's own pool (a change of
// UsernameAttributes, AliasAttributes, …). The detach resource, whose UserPoolId refers to the
// pool, sees the ID change in its Update. The previous release let it through: the retained old
// pool, with its users and the app clients built into apps, lost its invoke permission in the
// cleanup and every sign-up and reset on it failed; and `make destroy` never detached it.
func TestOwnPoolReplaced(t *testing.T) {
	oldPool, newPool := sesPool, smsPool
	setup := func(t *testing.T, retired string) (*world, *Handler) {
		w := newWorld(t, "sms-mfa", "developer-ses")
		w.rewire(oldPool, ours) // both wired to the function by its fixed name, as CloudFormation does
		w.rewire(newPool, ours)
		h := w.provider(newPool) // its environment already names the new pool
		h.Cognito = w.cog.Client()
		h.Env.RetiredPoolID = retired
		return w, h
	}
	confirmed := func(pool, confirm string) map[string]any {
		p := detachProps(pool)
		if confirm != "" {
			p[PropConfirmPoolReplacement] = confirm
		}
		return p
	}
	const legacyID = "cognito-custom-message/detach-on-stack-delete"

	t.Run("not confirmed: the update is refused, naming the key", func(t *testing.T) {
		w, h := setup(t, "")
		w.stacks.SetStatus(stackID, "UPDATE_IN_PROGRESS")
		r := w.send(h, cfn.RequestUpdate, TypeDetachOnStackDelete, legacyID, confirmed(newPool, ""), detachProps(oldPool))
		mustFail(t, "update", r, "-c confirmPoolReplacement="+oldPool)
		// The rollback goes back to the old pool and must succeed.
		w.stacks.SetStatus(stackID, "UPDATE_ROLLBACK_IN_PROGRESS")
		back := w.provider(oldPool)
		must(t, "rollback", w.send(back, cfn.RequestUpdate, TypeDetachOnStackDelete, legacyID, detachProps(oldPool), confirmed(newPool, "")))
		// Whatever CloudFormation deletes in the rollback's cleanup leaves the old pool wired.
		w.stacks.SetStatus(stackID, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
		must(t, "rollback cleanup", w.send(back, cfn.RequestDelete, TypeDetachOnStackDelete, legacyID, confirmed(newPool, ""), nil))
		if w.trigger(oldPool) != ours || w.cog.Calls("UpdateUserPool") != 0 {
			t.Errorf("the old pool was changed: trigger %q, %d updates", w.trigger(oldPool), w.cog.Calls("UpdateUserPool"))
		}
	})
	t.Run("confirmed with another pool's ID: refused", func(t *testing.T) {
		w, h := setup(t, "eu-central-1_Elsewhere1")
		w.stacks.SetStatus(stackID, "UPDATE_IN_PROGRESS")
		mustFail(t, "update", w.send(h, cfn.RequestUpdate, TypeDetachOnStackDelete, legacyID, confirmed(newPool, "eu-central-1_Elsewhere1"), detachProps(oldPool)), "confirmPoolReplacement="+oldPool)
	})
	t.Run("status unreadable: refused rather than guessed", func(t *testing.T) {
		w, h := setup(t, oldPool)
		w.stacks.FailNext(1)
		mustFail(t, "update", w.send(h, cfn.RequestUpdate, TypeDetachOnStackDelete, legacyID, confirmed(newPool, oldPool), detachProps(oldPool)), "could not be read")
	})
	t.Run("cleanup naming the current pool while a pool is retired: the current pool stays wired", func(t *testing.T) {
		w, h := setup(t, oldPool)
		w.stacks.SetStatus(stackID, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
		must(t, "cleanup delete of a resource on the new pool", w.send(h, cfn.RequestDelete, TypeDetachOnStackDelete, "other-id", detachProps(newPool), nil))
		if w.trigger(newPool) != ours || w.trigger(oldPool) != ours {
			t.Errorf("new pool calls %q, old pool %q; want both still ours (only a delete naming the retired pool detaches it)", w.trigger(newPool), w.trigger(oldPool))
		}
	})
	t.Run("confirmed: a new physical ID, and its cleanup detaches the old pool only", func(t *testing.T) {
		w, h := setup(t, oldPool)
		w.stacks.SetStatus(stackID, "UPDATE_IN_PROGRESS")
		r := must(t, "update", w.send(h, cfn.RequestUpdate, TypeDetachOnStackDelete, legacyID, confirmed(newPool, oldPool), detachProps(oldPool)))
		if r.physicalID == legacyID || !strings.Contains(r.physicalID, newPool) {
			t.Fatalf("physical ID %q: CloudFormation would not delete the old resource", r.physicalID)
		}
		must(t, "retried update", w.send(h, cfn.RequestUpdate, TypeDetachOnStackDelete, legacyID, confirmed(newPool, oldPool), detachProps(oldPool)))
		before := w.cog.Pool(oldPool)["LambdaConfig"].(map[string]any)
		delete(before, "CustomMessage")
		w.stacks.SetStatus(stackID, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
		must(t, "cleanup: delete the old resource", w.send(h, cfn.RequestDelete, TypeDetachOnStackDelete, legacyID, detachProps(oldPool), nil))
		if w.trigger(oldPool) != "" || w.trigger(newPool) != ours {
			t.Errorf("old pool calls %q, new pool %q; want none and ours", w.trigger(oldPool), w.trigger(newPool))
		}
		if lc := w.cog.Pool(oldPool)["LambdaConfig"].(map[string]any); len(before) == 0 || fmt.Sprint(lc) != fmt.Sprint(before) {
			t.Errorf("the old pool's other triggers changed: %v; want %v", lc, before)
		}
		must(t, "retried cleanup", w.send(h, cfn.RequestDelete, TypeDetachOnStackDelete, legacyID, detachProps(oldPool), nil))
		// Later deploys keep the new physical ID; the stack's delete detaches the new pool.
		u := must(t, "later update", w.send(h, cfn.RequestUpdate, TypeDetachOnStackDelete, r.physicalID, detachProps(newPool), confirmed(newPool, oldPool)))
		if u.physicalID != r.physicalID {
			t.Errorf("a later update changed the physical ID %q -> %q", r.physicalID, u.physicalID)
		}
		w.stacks.SetStatus(stackID, "DELETE_IN_PROGRESS")
		must(t, "stack delete", w.send(h, cfn.RequestDelete, TypeDetachOnStackDelete, r.physicalID, detachProps(newPool), nil))
		if w.trigger(newPool) != "" {
			t.Errorf("the stack's delete left the new pool calling %q", w.trigger(newPool))
		}
	})
	t.Run("confirmed, then rolled back: the old pool is kept wired", func(t *testing.T) {
		w, h := setup(t, oldPool)
		w.stacks.SetStatus(stackID, "UPDATE_IN_PROGRESS")
		r := must(t, "update", w.send(h, cfn.RequestUpdate, TypeDetachOnStackDelete, legacyID, confirmed(newPool, oldPool), detachProps(oldPool)))
		w.stacks.SetStatus(stackID, "UPDATE_ROLLBACK_IN_PROGRESS")
		back := w.provider(oldPool)
		back.Cognito = w.cog.Client()
		rb := must(t, "rollback", w.send(back, cfn.RequestUpdate, TypeDetachOnStackDelete, r.physicalID, detachProps(oldPool), confirmed(newPool, oldPool)))
		if rb.physicalID != r.physicalID {
			t.Errorf("the rollback changed the physical ID %q -> %q", r.physicalID, rb.physicalID)
		}
		w.stacks.SetStatus(stackID, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
		must(t, "rollback cleanup: delete the new resource", w.send(back, cfn.RequestDelete, TypeDetachOnStackDelete, r.physicalID, confirmed(newPool, oldPool), nil))
		if w.trigger(oldPool) != ours {
			t.Errorf("the rollback left the old pool calling %q; want ours", w.trigger(oldPool))
		}
	})
	t.Run("an update that does not move the pool keeps its physical ID", func(t *testing.T) {
		w, h := setup(t, "")
		r := must(t, "update", w.send(h, cfn.RequestUpdate, TypeDetachOnStackDelete, legacyID, detachProps(newPool), detachProps(newPool)))
		if r.physicalID != legacyID || w.stacks.Calls() != 0 {
			t.Errorf("physical ID %q, %d status reads", r.physicalID, w.stacks.Calls())
		}
	})
}

// TestRollbackStaysInTheAccount: while the stack rolls back, the provider moves the pool back to the
// function the event names — but only to one in this stack's partition, region and account, so
// whoever may invoke the provider cannot point the pool anywhere else.
func TestRollbackStaysInTheAccount(t *testing.T) {
	w := newWorld(t, "developer-ses")
	p1, p2 := w.providerFor(sesPool, ours), w.providerFor(sesPool, oursRenamed)
	a := must(t, "create", w.send(p1, cfn.RequestCreate, TypeAttach, "", propsFor(sesPool, ours, false), nil))
	must(t, "update", w.send(p2, cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(sesPool, oursRenamed, false), propsFor(sesPool, ours, false)))
	w.stacks.SetStatus(stackID, "UPDATE_ROLLBACK_IN_PROGRESS")
	for _, elsewhere := range []string{
		"arn:aws:lambda:eu-central-1:999999999999:function:Evil",
		"arn:aws:lambda:us-east-1:123456789012:function:CognitoCustomMessage-dev-Other",
		"arn:aws-cn:lambda:eu-central-1:123456789012:function:X",
		"arn:aws:lambda:eu-central-1:123456789012:function:",
	} {
		r := w.send(p2, cfn.RequestUpdate, TypeAttach, a.physicalID, propsFor(sesPool, elsewhere, false), propsFor(sesPool, oursRenamed, false))
		if r.ok {
			t.Errorf("rollback to %s succeeded", elsewhere)
		}
		w.expectOn("refused rollback to "+elsewhere, sesPool, oursRenamed, "")
	}
	for _, c := range []struct{ arn, ours string }{
		{ours, oursRenamed},
		{"arn:aws:lambda:eu-central-1:123456789012:function:Other", ours},
	} {
		if !sameAccountFunction(c.arn, c.ours) {
			t.Errorf("sameAccountFunction(%s, %s) = false", c.arn, c.ours)
		}
	}
}

// TestDetachOnStackDeleteSenders: in customSender mode (SENDER_ARN set) the stack's own pool has
// no CustomMessage trigger but our custom senders and key; deleting the stack removes them (the
// pool goes back to Cognito's own delivery), any other path that deletes the resource leaves them.
func TestDetachOnStackDeleteSenders(t *testing.T) {
	const sender = "arn:aws:lambda:eu-central-1:123456789012:function:CognitoCustomMessage-dev-Sender"
	const key = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	for _, c := range []struct {
		status   string
		detached bool
	}{{"DELETE_IN_PROGRESS", true}, {"ROLLBACK_IN_PROGRESS", true}, {"UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", false}, {"UPDATE_ROLLBACK_IN_PROGRESS", false}} {
		t.Run(c.status, func(t *testing.T) {
			w := newWorld(t, "developer-ses")
			w.cog.Edit(sesPool, func(p map[string]any) {
				lc := p["LambdaConfig"].(map[string]any)
				lc["CustomEmailSender"] = map[string]any{"LambdaArn": sender, "LambdaVersion": "V1_0"}
				lc["CustomSMSSender"] = map[string]any{"LambdaArn": sender, "LambdaVersion": "V1_0"}
				lc["KMSKeyID"] = key
			})
			p := w.provider(sesPool)
			p.Env.SenderArn = sender
			w.stacks.SetStatus(stackID, c.status)
			must(t, "delete", w.send(p, cfn.RequestDelete, TypeDetachOnStackDelete, "x", detachProps(sesPool), nil))
			lc := w.cog.Pool(sesPool)["LambdaConfig"].(map[string]any)
			for _, k := range []string{"CustomEmailSender", "CustomSMSSender", "KMSKeyID"} {
				if _, wired := lc[k]; wired == c.detached {
					t.Errorf("LambdaConfig.%s wired: %v; want %v", k, wired, !c.detached)
				}
			}
			if lc["PreSignUp"] == nil || lc["PostConfirmation"] == nil {
				t.Errorf("other triggers lost: %v", lc)
			}
		})
	}
}

// TestAttachSendersResource: the existing-pool attachment in customSender mode sets our custom
// senders and key on Create, changes nothing on a retry, takes exactly them out on Delete (the
// pool's own CustomMessage trigger stays), refuses a pool with another sender and an event naming
// another sender.
func TestAttachSendersResource(t *testing.T) {
	const sender = "arn:aws:lambda:eu-central-1:123456789012:function:CognitoCustomMessage-dev-Sender"
	const key = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	senderProps := func(pool, sender string) map[string]any {
		return map[string]any{"ServiceToken": "arn:aws:lambda:eu-central-1:123456789012:function:Provider", "UserPoolId": pool,
			"SenderArn": sender, "KmsKeyArn": key, "AllowManagedPool": "false"}
	}
	lambdaConfig := func(w *world, pool string) map[string]any { return w.cog.Pool(pool)["LambdaConfig"].(map[string]any) }
	w := newWorld(t, "sms-mfa")
	p := w.provider(smsPool)
	p.Env.SenderArn = sender
	r := must(t, "create", w.send(p, cfn.RequestCreate, TypeAttachSenders, "", senderProps(smsPool, sender), nil))
	lc := lambdaConfig(w, smsPool)
	if fmt.Sprint(lc["CustomEmailSender"]) != "map[LambdaArn:"+sender+" LambdaVersion:V1_0]" ||
		fmt.Sprint(lc["CustomSMSSender"]) != "map[LambdaArn:"+sender+" LambdaVersion:V1_0]" || lc["KMSKeyID"] != key || w.trigger(smsPool) != legacy {
		t.Fatalf("LambdaConfig after create: %v", lc)
	}
	n := w.cog.Calls("UpdateUserPool")
	must(t, "retried create", w.send(p, cfn.RequestCreate, TypeAttachSenders, "", senderProps(smsPool, sender), nil))
	if w.cog.Calls("UpdateUserPool") != n {
		t.Error("a retried create updated the pool again")
	}
	mustFail(t, "another sender", w.send(p, cfn.RequestUpdate, TypeAttachSenders, r.physicalID, senderProps(smsPool, someone), senderProps(smsPool, sender)), "refused")
	// The stack replaced its key: the update moves the pool to the new key (the old one was ours, as
	// the OldResourceProperties say), and the rollback of that update moves it back.
	const newKey = "arn:aws:kms:eu-central-1:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab"
	rotated := senderProps(smsPool, sender)
	rotated["KmsKeyArn"] = newKey
	must(t, "update to a replaced key", w.send(p, cfn.RequestUpdate, TypeAttachSenders, r.physicalID, rotated, senderProps(smsPool, sender)))
	if got := lambdaConfig(w, smsPool)["KMSKeyID"]; got != newKey {
		t.Errorf("KMSKeyID after the key's replacement: %v", got)
	}
	must(t, "rollback of the replacement", w.send(p, cfn.RequestUpdate, TypeAttachSenders, r.physicalID, senderProps(smsPool, sender), rotated))
	if got := lambdaConfig(w, smsPool)["KMSKeyID"]; got != key {
		t.Errorf("KMSKeyID after the rollback: %v", got)
	}
	// A key nobody's previous request set stays foreign.
	other := senderProps(smsPool, sender)
	other["KmsKeyArn"] = newKey
	mustFail(t, "a key replaced behind the stack's back", w.send(p, cfn.RequestUpdate, TypeAttachSenders, r.physicalID, other, other), "already has a custom sender")
	must(t, "delete", w.send(p, cfn.RequestDelete, TypeAttachSenders, r.physicalID, senderProps(smsPool, sender), nil))
	lc = lambdaConfig(w, smsPool)
	for _, k := range []string{"CustomEmailSender", "CustomSMSSender", "KMSKeyID"} {
		if lc[k] != nil {
			t.Errorf("LambdaConfig.%s = %v after the delete", k, lc[k])
		}
	}
	if w.trigger(smsPool) != legacy {
		t.Errorf("the pool's CustomMessage trigger became %q", w.trigger(smsPool))
	}

	w2 := newWorld(t, "custom-email-sender-kms")
	p2 := w2.provider("eu-central-1_Sender0001")
	p2.Env.SenderArn = sender
	mustFail(t, "pool with another sender", w2.send(p2, cfn.RequestCreate, TypeAttachSenders, "", senderProps("eu-central-1_Sender0001", sender), nil), "already has a custom sender")
	if w2.cog.Calls("UpdateUserPool") != 0 {
		t.Error("a refused create updated the pool")
	}
}

// TestAttachSendersRollback: the sender attachment is created (and retried), then a later
// resource of the same deployment fails and CloudFormation rolls back by deleting it: the pool is
// as it was before the deployment, field for field, but for its modification date and what the
// documented update rules leave out of any update (poolattach.UpdateInput's adjustments). A create
// the pool refused rolls back to a pool nobody touched.
func TestAttachSendersRollback(t *testing.T) {
	const sender = "arn:aws:lambda:eu-central-1:123456789012:function:CognitoCustomMessage-dev-Sender"
	const key = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	senderProps := func(pool string) map[string]any {
		return map[string]any{"ServiceToken": "arn:aws:lambda:eu-central-1:123456789012:function:Provider", "UserPoolId": pool,
			"SenderArn": sender, "KmsKeyArn": key, "AllowManagedPool": "false"}
	}
	snapshot := func(w *world, pool string) string {
		p := w.cog.Pool(pool)
		delete(p, "LastModifiedDate")
		d, err := poolattach.Describe(context.Background(), w.cog.Client(), pool)
		if err != nil {
			t.Fatal(err)
		}
		_, adj := poolattach.UpdateInput(d.Pool, "", nil)
		for _, a := range adj {
			parts := strings.Split(a.Path, ".")
			m := p
			for _, k := range parts[:len(parts)-1] {
				m, _ = m[k].(map[string]any)
			}
			if _, ok := m[parts[len(parts)-1]]; !ok {
				t.Fatalf("adjusted path %s is not in the pool", a.Path)
			}
			delete(m, parts[len(parts)-1])
		}
		b, err := json.MarshalIndent(p, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct {
		fixture, pool string
		refused       bool
	}{
		{"sms-mfa", smsPool, false},
		{"developer-ses", sesPool, false},
		{"custom-email-sender-kms", "eu-central-1_Sender0001", true},
	} {
		t.Run(c.fixture, func(t *testing.T) {
			w := newWorld(t, c.fixture)
			p := w.provider(c.pool)
			p.Env.SenderArn = sender
			before := snapshot(w, c.pool)
			r := w.send(p, cfn.RequestCreate, TypeAttachSenders, "", senderProps(c.pool), nil)
			if r.ok == c.refused {
				t.Fatalf("create ok %v (%s); want ok %v", r.ok, r.reason, !c.refused)
			}
			if !c.refused {
				if got := snapshot(w, c.pool); got == before {
					t.Fatal("the create did not change the pool")
				}
				must(t, "retried create", w.send(p, cfn.RequestCreate, TypeAttachSenders, "", senderProps(c.pool), nil))
			}
			n := w.cog.Calls("UpdateUserPool")
			// A later resource fails: the rollback deletes what the create made.
			must(t, "rollback delete", w.send(p, cfn.RequestDelete, TypeAttachSenders, r.physicalID, senderProps(c.pool), nil))
			if got := snapshot(w, c.pool); got != before {
				t.Errorf("after the rollback the pool is\n%s\nwant as before the create\n%s", got, before)
			}
			if c.refused && w.cog.Calls("UpdateUserPool") != n {
				t.Errorf("the rollback of a refused create updated the pool")
			}
		})
	}
}
