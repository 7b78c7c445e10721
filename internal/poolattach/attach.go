package poolattach

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The refusals. Each also matches ErrRefused: the pool was not changed.
var (
	// ErrForeignTrigger means the pool has a CustomMessage trigger that is not ours.
	ErrForeignTrigger = errors.New("the user pool already has a CustomMessage trigger")
	// ErrManagedPool means another CloudFormation stack manages the pool.
	ErrManagedPool = errors.New("the user pool is managed by another CloudFormation stack")
)

// Attachment is what attaching a function to a pool would do, worked out from one description.
type Attachment struct {
	PoolID, Function string
	Options          Options
	Described        *Described
	Current          string // the pool's CustomMessage trigger, "" for none
	Record           Record // this package's record on the pool, if HasRecord
	HasRecord        bool
	ManagedBy        string // the CloudFormation stack that manages the pool, if any
	Previous         string // what a later detach puts back
	Replaces         string // an earlier function of ours the pool is moved off, if any
	// Plan is the update to send; nil when the pool already is as it should be, or when Err is set.
	Plan *Plan
	// Err is why the attachment is refused (ErrForeignTrigger, ErrManagedPool or a plan refusal);
	// nil when it may go ahead.
	Err error
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
	a := &Attachment{PoolID: deref(d.Pool.Id), Function: function, Options: opt, Described: d, Current: customMessage(d)}
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
		a.Err = fmt.Errorf("%w %q (tag aws:cloudformation:stack-name): that stack's next update puts its own LambdaConfig back and silently removes this trigger. "+
			"Wire the function in that stack instead (README, \"Use an existing user pool\"), or deploy with -c allowManagedPool=true to accept that: %w",
			ErrManagedPool, a.ManagedBy, ErrRefused)
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
	p, err := NewPlan(ctx, api, d, function, &want)
	if err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		a.Err = err
		return a, nil
	}
	a.Plan = p
	return a, nil
}

// Apply sends the planned update; it returns Err when the attachment is refused.
func (a *Attachment) Apply(ctx context.Context, api API) error {
	return apply(ctx, api, a.PoolID, a.Described, a.Plan, a.Err)
}

// Detachment is what removing a function from a pool would do.
type Detachment struct {
	PoolID, Function string
	Described        *Described // nil when the pool does not exist
	Current          string
	Restore          string // the trigger put back, "" for none
	Plan             *Plan  // nil when there is nothing to do, or when Err is set
	Err              error
	Note             string // why nothing is done, when nothing is
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
		return &Detachment{PoolID: poolID, Function: function, Note: "the pool no longer exists"}, nil
	}
	if err != nil {
		return nil, err
	}
	x := &Detachment{PoolID: poolID, Function: function, Described: d, Current: customMessage(d)}
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
	p, err := newPlan(ctx, api, d, keep, rec, sender)
	if err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		x.Err = err
		return x, nil
	}
	x.Plan = p
	return x, nil
}

// Apply sends the planned update; it returns Err when the detachment is refused.
func (x *Detachment) Apply(ctx context.Context, api API) error {
	return apply(ctx, api, x.PoolID, x.Described, x.Plan, x.Err)
}

// apply sends a plan, unless it was refused (refused) or there is nothing to do (no plan).
func apply(ctx context.Context, api API, poolID string, d *Described, p *Plan, refused error) error {
	if refused != nil {
		return refused
	}
	if p == nil {
		return nil
	}
	if _, err := api.UpdateUserPool(ctx, p.Input); err != nil {
		return explain(poolID, d, err)
	}
	return nil
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
