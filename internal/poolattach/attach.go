package poolattach

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The refusals. Each also matches ErrRefused: the pool was not changed.
var (
	// ErrForeignTrigger means the pool has a CustomMessage trigger that is not ours.
	ErrForeignTrigger = errors.New("the user pool already has a CustomMessage trigger")
	// ErrManagedPool means another CloudFormation stack manages the pool.
	ErrManagedPool = errors.New("the user pool is managed by another CloudFormation stack")
)

// Attachment is what attaching a function to a pool would do, worked out from one description.
//
// Its Err is ErrForeignTrigger, ErrManagedPool or a plan refusal.
type Attachment struct {
	Change
	Function  string
	Options   Options
	Current   string // the pool's CustomMessage trigger, "" for none
	Record    Record // this package's record on the pool, if HasRecord
	HasRecord bool
	ManagedBy string // the CloudFormation stack that manages the pool, if any
	Previous  string // what a later detach puts back
	Replaces  string // an earlier function of ours the pool is moved off, if any
}

// PlanAttach describes the pool and works out what attaching function needs, without changing
// anything. Its error is for failed calls; a refusal is in Attachment.Err.
//
// The record on the pool is trusted only while the pool still points at the function it names:
// then it says what was there before us. Otherwise it is stale (someone re-wired the pool since).
//
// A trigger the record names is ours when the record is the same owner's (Options.Owner, or on an
// older record without an owner, Options.Earlier): an earlier function of ours whose ARN changed.
// The pool then moves to function whatever the options say, and the record's previous trigger is
// kept — never the earlier function, which CloudFormation deletes once the update is done.
func PlanAttach(ctx context.Context, api API, poolID, function string, opt Options) (*Attachment, error) {
	d, err := Describe(ctx, api, poolID)
	if err != nil {
		return nil, err
	}
	return PlanAttachTo(ctx, api, d, function, opt)
}

// PlanAttachTo is PlanAttach on a pool already described.
func PlanAttachTo(ctx context.Context, api API, d *Described, function string, opt Options) (*Attachment, error) {
	a := &Attachment{Change: Change{PoolID: deref(d.Pool.Id), Described: d}, Function: function, Options: opt, Current: customMessage(d)}
	a.Record, a.HasRecord = RecordOf(d.Pool.UserPoolTags)
	a.ManagedBy = ManagedBy(d.Pool.UserPoolTags)
	valid := a.HasRecord && a.Record.Function == a.Current
	switch {
	case a.Current == function && valid:
		a.Previous = a.Record.Previous // a retried create, an update, a rollback: the record knows
	case a.Current == function:
		a.Previous = "" // ours without a record (wired by hand, or the tags were removed): none to restore
	case valid && a.Record.ownedBy(opt):
		a.Replaces = a.Current // our earlier function: move the pool on, keep what was there before us
		a.Previous = a.Record.Previous
	case a.ManagedBy != "" && !opt.AllowManaged:
		a.Err = refuseManaged(a.ManagedBy, "this trigger", `Wire the function in that stack instead (README, "Use an existing user pool")`)
		return a, nil
	case a.Current != "" && !opt.Replace:
		a.Err = fmt.Errorf("%w (%s): deploy with -c replaceExistingTrigger=true to replace it; it is restored when the stack is deleted: %w",
			ErrForeignTrigger, a.Current, ErrRefused)
		return a, nil
	default:
		a.Previous = a.Current
	}
	if a.Previous == function || a.Previous == opt.Earlier {
		// A record written by a release that took an earlier function of ours for a foreign
		// trigger: restoring it would point the pool at a deleted function.
		a.Previous = ""
	}
	want := Record{Function: function, Previous: a.Previous, Applied: opt.String(), Owner: opt.Owner}
	if a.Current == function && a.HasRecord && a.Record == want {
		return a, nil
	}
	if err := a.plan(ctx, api, function, &want, nil); err != nil {
		return nil, err
	}
	return a, nil
}

// Detachment is what removing a function from a pool would do.
type Detachment struct {
	Change
	Function string
	Current  string
	Restore  string // the trigger put back, "" for none
	Note     string // why nothing is done, when nothing is
}

// PlanDetach works out how to remove function from the pool: only if the pool still points at it
// (a pool someone re-wired since is left alone, and so is one that no longer exists), putting back
// the trigger the record says was there before (none without a valid record).
func PlanDetach(ctx context.Context, api API, poolID, function string) (*Detachment, error) {
	return PlanDetachAll(ctx, api, poolID, function, "")
}

// PlanDetachAll is PlanDetach that also removes the custom sender triggers (CustomEmailSender,
// CustomSMSSender) that invoke sender, and KMSKeyID when no custom sender is left: the stack's own
// pool in customSender mode. Each trigger is removed only if it is still ours; a CustomMessage
// trigger that is not ours is kept, and so is this package's record, if any.
func PlanDetachAll(ctx context.Context, api API, poolID, function, sender string) (*Detachment, error) {
	d, err := Describe(ctx, api, poolID)
	if errors.Is(err, ErrNotFound) {
		return &Detachment{Change: Change{PoolID: poolID}, Function: function, Note: "the pool no longer exists"}, nil
	}
	if err != nil {
		return nil, err
	}
	x := &Detachment{Change: Change{PoolID: poolID, Described: d}, Function: function, Current: customMessage(d)}
	senders := sendsThrough(d, sender)
	ours := function != "" && x.Current == function // "": the CustomMessage trigger is not looked at
	if !ours && !senders {
		x.Note = fmt.Sprintf("the pool's CustomMessage trigger is %q, not ours: left alone", x.Current)
		if sender != "" {
			x.Note = fmt.Sprintf("the pool's CustomMessage trigger is %q and its custom senders are not %q: left alone", x.Current, sender)
		}
		return x, nil
	}
	keep, rec := x.Current, (*Record)(nil)
	if ours {
		if r, ok := RecordOf(d.Pool.UserPoolTags); ok && r.Function == function && r.Previous != function {
			x.Restore = r.Previous
		}
		keep = x.Restore
	} else if r, ok := RecordOf(d.Pool.UserPoolTags); ok {
		rec = &r // CustomMessage is someone else's: so is the record that goes with it
	}
	if err := x.plan(ctx, api, keep, rec, func(lc *types.LambdaConfigType) []string { return withoutSenders(lc, sender) }); err != nil {
		return nil, err
	}
	return x, nil
}

// explain adds what the operator can do to a refused UpdateUserPool.
func explain(poolID string, d *Described, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "iam:PassRole") && d != nil && d.Pool.SmsConfiguration != nil && d.Pool.SmsConfiguration.SnsCallerArn != nil {
		return fmt.Errorf("UpdateUserPool %s: %w — the pool sends SMS through role %s and Cognito checks that the caller may pass it: deploy with -c poolSmsRoleArn=%s",
			poolID, err, *d.Pool.SmsConfiguration.SnsCallerArn, *d.Pool.SmsConfiguration.SnsCallerArn)
	}
	return fmt.Errorf("UpdateUserPool %s: %w", poolID, err)
}

func customMessage(d *Described) string {
	if d.Pool.LambdaConfig == nil || d.Pool.LambdaConfig.CustomMessage == nil {
		return ""
	}
	return *d.Pool.LambdaConfig.CustomMessage
}
