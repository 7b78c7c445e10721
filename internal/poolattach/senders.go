package poolattach

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// ErrForeignSender means the pool has a custom sender trigger, or a KMSKeyID, that is not ours.
var ErrForeignSender = errors.New("the user pool already has a custom sender trigger or KMS key")

// SenderVersion is the custom sender event version the sender function implements.
const SenderVersion = types.CustomEmailSenderLambdaVersionTypeV10

// SenderAttachment is what wiring a custom sender function into a pool would do.
type SenderAttachment struct {
	PoolID, Sender, Key string
	Described           *Described
	ManagedBy           string
	// Plan is the update to send; nil when the pool already is as it should be, or when Err is set.
	Plan *Plan
	Err  error // why the attachment is refused (ErrForeignSender, ErrManagedPool, a plan refusal)
}

// PlanAttachSenders describes the pool and works out the update that makes sender its
// CustomEmailSender and CustomSMSSender (V1_0) with key as KMSKeyID, carrying everything else over
// (CustomMessage included: it is not this mode's to change), without changing anything.
//
// A pool with a custom sender or a KMSKeyID that is not ours is refused, whatever the options:
// putting another sender back on delete would need its key too, and this release records neither.
// Nothing needs recording, then: what a detach puts back is always "none" (PlanDetachAll).
func PlanAttachSenders(ctx context.Context, api API, poolID, sender, key string, opt Options) (*SenderAttachment, error) {
	d, err := Describe(ctx, api, poolID)
	if err != nil {
		return nil, err
	}
	a := &SenderAttachment{PoolID: deref(d.Pool.Id), Sender: sender, Key: key, Described: d, ManagedBy: ManagedBy(d.Pool.UserPoolTags)}
	if a.ManagedBy != "" && !opt.AllowManaged {
		a.Err = fmt.Errorf("%w %q (tag aws:cloudformation:stack-name): that stack's next update puts its own LambdaConfig back and silently removes the custom senders. "+
			"Wire the sender in that stack instead, or deploy with -c allowManagedPool=true to accept that: %w", ErrManagedPool, a.ManagedBy, ErrRefused)
		return a, nil
	}
	var lc types.LambdaConfigType
	if d.Pool.LambdaConfig != nil {
		lc = *d.Pool.LambdaConfig
	}
	email, sms := "", ""
	if lc.CustomEmailSender != nil {
		email = deref(lc.CustomEmailSender.LambdaArn)
	}
	if lc.CustomSMSSender != nil {
		sms = deref(lc.CustomSMSSender.LambdaArn)
	}
	current := deref(lc.KMSKeyID)
	for what, v := range map[string]string{"CustomEmailSender " + email: email, "CustomSMSSender " + sms: sms, "KMSKeyID " + current: current} {
		if v != "" && v != sender && v != key {
			a.Err = fmt.Errorf("%w (%s): this release does not replace another custom sender (it could not put it back with its key on delete); remove it first: %w",
				ErrForeignSender, what, ErrRefused)
			return a, nil
		}
	}
	if email == sender && sms == sender && current == key &&
		lc.CustomEmailSender.LambdaVersion == SenderVersion && string(lc.CustomSMSSender.LambdaVersion) == string(SenderVersion) {
		return a, nil // a retried create, an update that changed nothing here
	}
	var rec *Record
	if r, ok := RecordOf(d.Pool.UserPoolTags); ok {
		rec = &r // the CustomMessage attachment's record, if any, stays with it
	}
	p, err := newPlanWith(ctx, api, d, customMessage(d), rec, func(l *types.LambdaConfigType) []string {
		l.CustomEmailSender = &types.CustomEmailLambdaVersionConfigType{LambdaArn: &sender, LambdaVersion: SenderVersion}
		l.CustomSMSSender = &types.CustomSMSLambdaVersionConfigType{LambdaArn: &sender, LambdaVersion: types.CustomSMSSenderLambdaVersionType(SenderVersion)}
		l.KMSKeyID = &key
		return []string{"LambdaConfig.CustomEmailSender", "LambdaConfig.CustomSMSSender", "LambdaConfig.KMSKeyID"}
	})
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
func (a *SenderAttachment) Apply(ctx context.Context, api API) error {
	return apply(ctx, api, a.PoolID, a.Described, a.Plan, a.Err)
}
