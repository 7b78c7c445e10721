package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"cognito-custom-message/internal/poolattach"
)

// The resource types this provider serves.
const (
	TypeAttach              = "Custom::CognitoCustomMessageTrigger"
	TypeDetachOnStackDelete = "Custom::CognitoCustomMessageDetachOnDelete"
	// TypeAttachSenders wires the custom sender and its key into an existing pool
	// (-c delivery=customSender with -c userPoolId), and takes them out on delete.
	TypeAttachSenders = "Custom::CognitoCustomSenderAttachment"
)

// The environment variables the stack sets on each copy of the provider.
const (
	EnvPoolID      = "USER_POOL_ID"
	EnvFunctionArn = "FUNCTION_ARN"
	EnvStackID     = "STACK_ID"
	// EnvRetiredPoolID names the stack's previous own pool when a deploy confirms that
	// CloudFormation replaces it (-c confirmPoolReplacement=<its ID>); unset otherwise.
	EnvRetiredPoolID = "RETIRED_POOL_ID"
	// EnvSenderArn names the custom sender function (-c delivery=customSender): a detach of the
	// stack's own pool then also removes the custom senders that invoke it, and KMSKeyID with them.
	// Unset otherwise.
	EnvSenderArn = "SENDER_ARN"
)

// PropConfirmPoolReplacement is the detach resource's property that confirms a replacement of the
// stack's own pool: the ID of the pool being replaced.
const PropConfirmPoolReplacement = "ConfirmPoolReplacement"

// Env is what one copy of the provider was deployed for. It acts on these and nothing else: an
// event naming another pool, function or stack is refused, whoever sent it.
type Env struct {
	PoolID, FunctionArn, StackID string
	// RetiredPoolID is the stack's own pool that a confirmed replacement retires; this copy may
	// detach it in the update's cleanup phase (detachOnStackDelete).
	RetiredPoolID string
	// SenderArn is the stack's custom sender function, "" without one (EnvSenderArn).
	SenderArn string
}

// EnvFromOS reads the environment through getenv.
func EnvFromOS(getenv func(string) string) (Env, error) {
	e := Env{PoolID: getenv(EnvPoolID), FunctionArn: getenv(EnvFunctionArn), StackID: getenv(EnvStackID), RetiredPoolID: getenv(EnvRetiredPoolID), SenderArn: getenv(EnvSenderArn)}
	if e.PoolID == "" || e.FunctionArn == "" || e.StackID == "" {
		return e, fmt.Errorf("%s, %s and %s must be set", EnvPoolID, EnvFunctionArn, EnvStackID)
	}
	return e, nil
}

// StackAPI is the part of the CloudFormation client the provider calls.
type StackAPI interface {
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
}

// Handler serves the custom resources' Create, Update and Delete requests.
type Handler struct {
	Cognito poolattach.API
	Stacks  StackAPI
	Log     *slog.Logger
	Env     Env
}

// Handle dispatches on the resource type. Returned errors become the FAILED reason CloudFormation
// shows.
func (h *Handler) Handle(ctx context.Context, ev cfn.Event) (string, map[string]any, error) {
	switch ev.ResourceType {
	case TypeAttach:
		return h.attach(ctx, ev)
	case TypeDetachOnStackDelete:
		return h.detachOnStackDelete(ctx, ev)
	case TypeAttachSenders:
		return h.attachSenders(ctx, ev)
	}
	err := fmt.Errorf("unknown resource type %q", ev.ResourceType)
	h.Log.Error("refused", "request_type", string(ev.RequestType), "resource_type", ev.ResourceType, "error", err.Error())
	return "", nil, err
}

type properties struct {
	poolID, functionArn string
	opt                 poolattach.Options
}

func parse(p map[string]any) properties {
	str := func(k string) string { s, _ := p[k].(string); return strings.TrimSpace(s) }
	flag := func(k string) bool {
		switch v := p[k].(type) {
		case bool:
			return v
		case string:
			return strings.EqualFold(v, "true")
		}
		return false
	}
	return properties{poolID: str("UserPoolId"), functionArn: str("FunctionArn"),
		opt: poolattach.Options{Replace: flag("ReplaceExisting"), AllowManaged: flag("AllowManagedPool")}}
}

// owns refuses an event that names another pool, function or stack than this copy was deployed
// for. The stack never produces one: each pool has its own copy of the provider (stack.go), and the
// stack's ID does not change. The trigger function's ARN may (a new logical ID or name replaces the
// function): CloudFormation then updates this copy's environment before the attachment, which
// depends on it, so forward updates always match; rollingBack covers the rollback.
func (h *Handler) owns(ev cfn.Event, p properties) error {
	if p.poolID == h.Env.PoolID && p.functionArn == h.Env.FunctionArn && ev.StackID == h.Env.StackID {
		return nil
	}
	return fmt.Errorf("this provider acts only on pool %s and function %s for stack %s; the request names pool %q, function %q, stack %q: refused",
		h.Env.PoolID, h.Env.FunctionArn, h.Env.StackID, p.poolID, p.functionArn, ev.StackID)
}

// rollingBack reports whether an Update that names another function than this copy's environment
// is the rollback of an update that replaced the function, reaching the attachment before this
// copy's own environment was rolled back: the request moves the pool from this copy's function
// (OldResourceProperties) back to the one it replaced, for this very pool and stack, while
// CloudFormation says the stack is rolling back. CloudFormation's documentation does not say in
// which order a rollback reverts dependent resources, so both orders must work: refusing here
// would leave the stack in UPDATE_ROLLBACK_FAILED with the pool on a function the rollback's
// cleanup deletes. The stack's status is what a caller other than CloudFormation cannot forge.
func (h *Handler) rollingBack(ctx context.Context, ev cfn.Event, p, old properties) bool {
	if ev.RequestType != cfn.RequestUpdate || ev.StackID != h.Env.StackID || p.poolID != h.Env.PoolID ||
		old.poolID != h.Env.PoolID || old.functionArn != h.Env.FunctionArn || !sameAccountFunction(p.functionArn, h.Env.FunctionArn) {
		return false
	}
	status, err := h.stackStatus(ctx, ev.StackID)
	return err == nil && status == cftypes.StackStatusUpdateRollbackInProgress
}

// sameAccountFunction reports whether arn is a Lambda function ARN in the partition, region and
// account of ours: a rollback moves the pool back to the function this stack's update replaced,
// never to one elsewhere, whoever may invoke the provider.
func sameAccountFunction(arn, ours string) bool {
	a, o := strings.Split(arn, ":"), strings.Split(ours, ":")
	if len(a) < 7 || len(o) < 7 || a[6] == "" {
		return false
	}
	return a[0] == "arn" && a[2] == "lambda" && a[5] == "function" && slices.Equal(a[:6], o[:6])
}

// attach serves Custom::CognitoCustomMessageTrigger.
//
// The physical ID is the same for every event of a pool, so an Update never makes CloudFormation
// send a Delete for an "old" resource. State is never kept in it: the pool's own tags hold the
// previous trigger (poolattach.Record), read back on every event, which makes every request
// idempotent and safe to retry — a Create retried after its update went through, the Delete
// CloudFormation sends after a failed Create (whatever physical ID it carries), a rollback.
//
// The record also names its owner, this stack: a trigger it names is ours, so when the function's
// ARN changes the Update moves the pool to the new function (whatever replaceExistingTrigger
// says) and keeps the original previous trigger, never recording our old function as "previous".
//
// Updates never block a rollback: when a pool condition refuses an Update (a foreign trigger
// without replace, a managed pool, settings this release cannot carry), the Update fails only if
// the pool's record shows the last applied options differ from the event's — a forward change.
// An Update back to the options last applied (the shape of a rollback), or to a pool without our
// record, leaves the pool as it is and succeeds, logged as an error for the alarm — unless the pool
// would be left on an earlier function of ours, which CloudFormation deletes after the update:
// that fails, loudly, rather than leave every message on the pool failing.
func (h *Handler) attach(ctx context.Context, ev cfn.Event) (string, map[string]any, error) {
	id := "cognito-custom-message/attach/" + h.Env.PoolID
	p, old := parse(ev.ResourceProperties), parse(ev.OldResourceProperties)
	function := h.Env.FunctionArn
	log := h.Log.With("request_type", string(ev.RequestType), "resource_type", ev.ResourceType, "pool", h.Env.PoolID, "function", function)
	if err := h.owns(ev, p); err != nil {
		if !h.rollingBack(ctx, ev, p, old) {
			log.Error("refused", "error", err.Error())
			return id, nil, err
		}
		function = p.functionArn
		log = log.With("rollback_to", function)
		log.Warn("rollback reached the attachment before this provider's environment: moving the pool back to the function the update replaced")
	}
	if ev.RequestType == cfn.RequestDelete {
		return id, nil, h.detach(ctx, log)
	}

	opt := p.opt
	opt.Owner = h.Env.StackID
	if ev.RequestType == cfn.RequestUpdate && old.functionArn != function {
		opt.Earlier = old.functionArn
	}
	a, err := poolattach.PlanAttach(ctx, h.Cognito, h.Env.PoolID, function, opt)
	if err != nil {
		log.Error("attach failed", "error", err.Error())
		return id, nil, err
	}
	log = log.With("current", a.Current, "previous", a.Previous, "options", p.opt.String())
	if a.Replaces != "" {
		log = log.With("replaces", a.Replaces)
	}
	if a.Err != nil && ev.RequestType == cfn.RequestUpdate && (!a.HasRecord || a.Record.Applied == p.opt.String()) {
		if a.Current != function && (a.Current == a.Replaces || a.Current == opt.Earlier) {
			err := fmt.Errorf("the pool still calls %s, an earlier function of this stack that CloudFormation deletes after this update, and cannot be moved to %s: %w",
				a.Current, function, a.Err)
			log.Error("attach failed", "error", err.Error())
			return id, nil, err
		}
		log.Error("left as it is: the pool refuses this attachment, and this update may be a rollback", "error", a.Err.Error())
		return id, map[string]any{"PreviousCustomMessage": a.Previous, "Attached": fmt.Sprint(a.Current == function)}, nil
	}
	if err := a.Apply(ctx, h.Cognito); err != nil {
		log.Error("attach failed", "error", err.Error())
		return id, nil, err
	}
	log.Info("attached", "changed", a.Plan != nil)
	return id, map[string]any{"PreviousCustomMessage": a.Previous, "Attached": "true"}, nil
}

// detachOnStackDelete serves Custom::CognitoCustomMessageDetachOnDelete: the stack's own pool is
// retained when the stack is deleted, and would keep calling the deleted function — every sign-up
// and password reset on it would fail. So this resource's Delete detaches the trigger, but only
// when the stack itself is going away.
//
// Why ask CloudFormation for the stack's status rather than count live attachments in a pool tag:
// a Delete of this resource also comes when an update replaces it (cleanup), when an update that
// created it rolls back, and on retries; in all of those the pool stays CloudFormation's, wired
// through its LambdaConfig, and must not be touched. The stack's status tells the cases apart
// without writing anything to the pool, and nothing that CloudFormation's own next update of the
// pool's tags could erase. DELETE_IN_PROGRESS (the stack is deleted) and ROLLBACK_IN_PROGRESS (its
// creation failed; the retained pool outlives it) detach; every other status leaves the pool.
// When the status cannot be read the pool is left wired and an error is logged: that never breaks
// a rollback, and it is no worse than before this resource existed.
//
// The resource also guards against CloudFormation replacing the pool (replacePool).
func (h *Handler) detachOnStackDelete(ctx context.Context, ev cfn.Event) (string, map[string]any, error) {
	id := "cognito-custom-message/detach-on-stack-delete"
	log := h.Log.With("request_type", string(ev.RequestType), "resource_type", ev.ResourceType, "pool", h.Env.PoolID, "function", h.Env.FunctionArn)
	switch ev.RequestType {
	case cfn.RequestCreate:
		// CloudFormation wires the trigger through the pool's LambdaConfig; nothing to do.
		log.Info("nothing to do")
		return id, nil, nil
	case cfn.RequestUpdate:
		return h.replacePool(ctx, ev, log)
	}
	if ev.StackID != h.Env.StackID {
		err := fmt.Errorf("this provider serves stack %s; the request is from %q: refused", h.Env.StackID, ev.StackID)
		log.Error("refused", "error", err.Error())
		return id, nil, err
	}
	status, err := h.stackStatus(ctx, ev.StackID)
	if err != nil {
		log.Error("left wired: cannot read the stack's status", "error", err.Error())
		return id, nil, nil
	}
	log = log.With("stack_status", string(status))
	p := parse(ev.ResourceProperties)
	if retired := h.Env.RetiredPoolID; status == cftypes.StackStatusUpdateCompleteCleanupInProgress && retired != "" && p.poolID == retired &&
		retired != h.Env.PoolID && p.functionArn == h.Env.FunctionArn {
		// The cleanup after a confirmed replacement of the pool: the old pool keeps its users and
		// its app clients but loses its invoke permission right after, so it goes back to
		// Cognito's own messages rather than failing every sign-up and reset.
		log = log.With("retired_pool", retired)
		log.Info("the stack's pool was replaced: detaching the old one")
		return id, nil, h.detachPool(ctx, log, retired)
	}
	if status != cftypes.StackStatusDeleteInProgress && status != cftypes.StackStatusRollbackInProgress {
		log.Info("left wired: the stack is not being deleted")
		return id, nil, nil
	}
	if err := h.owns(ev, p); err != nil {
		log.Error("refused", "error", err.Error())
		return id, nil, err
	}
	return id, nil, h.detach(ctx, log)
}

// replacePool serves the Update of the detach resource. Its UserPoolId refers to the stack's own
// pool, so it changes only when CloudFormation has just replaced that pool (a change of
// UsernameAttributes, AliasAttributes, …): the old pool is retained with all its users, and the app
// clients built into apps, but its invoke permission is scoped to it and is deleted in the
// cleanup — its sign-ups and resets would fail from then on. The synth refuses such a change
// unless confirmed (infra/poolguard.go); this refuses it at deploy time too, whatever caused it,
// unless the update names the old pool in ConfirmPoolReplacement. The update then rolls back and
// the old pool goes on as before (the new, empty one is retained: Retain and deletion protection).
// Confirmed, the resource takes a new physical ID, so CloudFormation deletes the old one in the
// cleanup phase, and that Delete detaches the old pool (detachOnStackDelete).
//
// A rollback moves the pool ID back the other way, and is never refused.
func (h *Handler) replacePool(ctx context.Context, ev cfn.Event, log *slog.Logger) (string, map[string]any, error) {
	id := ev.PhysicalResourceID
	p, old := parse(ev.ResourceProperties), parse(ev.OldResourceProperties)
	if old.poolID == "" || p.poolID == old.poolID {
		log.Info("nothing to do")
		return id, nil, nil
	}
	log = log.With("old_pool", old.poolID)
	replaced := "cognito-custom-message/detach-on-stack-delete/" + p.poolID
	status, err := h.stackStatus(ctx, ev.StackID)
	if err == nil && status == cftypes.StackStatusUpdateRollbackInProgress {
		// The physical ID stays: a new one would make CloudFormation delete a resource in the
		// rollback's cleanup. No Delete decides anything by the ID anyway, only by the stack's
		// status, this copy's environment and the pool the Delete names.
		log.Info("rollback: back to the stack's previous pool")
		return id, nil, nil
	}
	confirm, _ := ev.ResourceProperties[PropConfirmPoolReplacement].(string)
	if confirm == old.poolID && err == nil {
		log.Info("the stack's pool is replaced, as confirmed: the old one is detached in the cleanup phase")
		return replaced, nil, nil
	}
	why := ""
	if err != nil {
		why = " (the stack's status could not be read, so this cannot be told from a rollback: " + err.Error() + ")"
	}
	err = fmt.Errorf("CloudFormation is replacing the stack's user pool %s with a new one (%s)%s: refused. "+
		"The old pool would be retained with all its users and the app clients built into apps, but lose its invoke permission: its sign-ups and password resets would fail. "+
		"The update rolls back and the old pool goes on as before; the new, empty pool %s is retained (delete it by hand). "+
		"To replace the pool on purpose, deploy with -c confirmPoolReplacement=%s (docs/stack-lifecycle.md)",
		old.poolID, p.poolID, why, p.poolID, old.poolID)
	log.Error("refused", "error", err.Error())
	return id, nil, err
}

// detach puts the pool's previous trigger back (or none), if it still points at our function, and
// removes our custom senders (SenderArn), if it still has them.
func (h *Handler) detach(ctx context.Context, log *slog.Logger) error {
	return h.detachPool(ctx, log, h.Env.PoolID)
}

func (h *Handler) detachPool(ctx context.Context, log *slog.Logger, pool string) error {
	x, err := poolattach.PlanDetachAll(ctx, h.Cognito, pool, h.Env.FunctionArn, h.Env.SenderArn)
	if err == nil {
		err = x.Apply(ctx, h.Cognito)
	}
	if err != nil {
		log.Error("detach failed", "error", err.Error())
		return err
	}
	log.Info("detached", "restored", x.Restore, "changed", x.Plan != nil, "note", x.Note)
	return nil
}

func (h *Handler) stackStatus(ctx context.Context, stackID string) (cftypes.StackStatus, error) {
	out, err := h.Stacks.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &stackID})
	if err != nil {
		return "", err
	}
	if len(out.Stacks) != 1 {
		return "", errors.New("DescribeStacks returned " + fmt.Sprint(len(out.Stacks)) + " stacks")
	}
	return out.Stacks[0].StackStatus, nil
}

// attachSenders serves Custom::CognitoCustomSenderAttachment: Create and Update make the existing
// pool's CustomEmailSender and CustomSMSSender this copy's sender (SenderArn) with KmsKeyArn as
// KMSKeyID (poolattach.PlanAttachSenders: everything else carried over, another sender refused);
// Delete takes them out again, and only them (poolattach.PlanDetachAll without a CustomMessage
// function). Like attach, the physical ID is the pool's and nothing is kept in it; every request
// reads the pool back, so retries are idempotent. The sender's ARN does not change: the stack
// gives it a fixed name.
func (h *Handler) attachSenders(ctx context.Context, ev cfn.Event) (string, map[string]any, error) {
	id := "cognito-custom-message/attach-senders/" + h.Env.PoolID
	str := func(k string) string { s, _ := ev.ResourceProperties[k].(string); return strings.TrimSpace(s) }
	pool, sender, key := str("UserPoolId"), str("SenderArn"), str("KmsKeyArn")
	log := h.Log.With("request_type", string(ev.RequestType), "resource_type", ev.ResourceType, "pool", h.Env.PoolID, "sender", h.Env.SenderArn)
	if pool != h.Env.PoolID || sender == "" || sender != h.Env.SenderArn || ev.StackID != h.Env.StackID {
		err := fmt.Errorf("this provider acts only on pool %s and sender %q for stack %s; the request names pool %q, sender %q, stack %q: refused",
			h.Env.PoolID, h.Env.SenderArn, h.Env.StackID, pool, sender, ev.StackID)
		log.Error("refused", "error", err.Error())
		return id, nil, err
	}
	if ev.RequestType == cfn.RequestDelete {
		x, err := poolattach.PlanDetachAll(ctx, h.Cognito, pool, "", sender)
		if err == nil {
			err = x.Apply(ctx, h.Cognito)
		}
		if err != nil {
			log.Error("detach failed", "error", err.Error())
			return id, nil, err
		}
		log.Info("detached", "changed", x.Plan != nil, "note", x.Note)
		return id, nil, nil
	}
	opt := parse(ev.ResourceProperties).opt
	if ev.RequestType == cfn.RequestUpdate {
		// A replaced key (or a rollback to the old one): the key the previous request set is ours.
		opt.EarlierKey, _ = ev.OldResourceProperties["KmsKeyArn"].(string)
		opt.EarlierKey = strings.TrimSpace(opt.EarlierKey)
	}
	a, err := poolattach.PlanAttachSenders(ctx, h.Cognito, pool, sender, key, opt)
	if err == nil {
		err = a.Apply(ctx, h.Cognito)
	}
	if err != nil {
		log.Error("attach failed", "error", err.Error())
		return id, nil, err
	}
	log.Info("attached", "changed", a.Plan != nil)
	return id, nil, nil
}
