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
// Its Err is ErrForeignSender, ErrManagedPool or a plan refusal.
type SenderAttachment struct {
	Change
	Sender, Key string
	ManagedBy   string
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
	a := &SenderAttachment{Change: Change{PoolID: deref(d.Pool.Id), Described: d}, Sender: sender, Key: key, ManagedBy: ManagedBy(d.Pool.UserPoolTags)}
	if a.ManagedBy != "" && !opt.AllowManaged {
		a.Err = refuseManaged(a.ManagedBy, "the custom senders", "Wire the sender in that stack instead")
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
		if v != "" && v != sender && v != key && (opt.EarlierKey == "" || v != opt.EarlierKey || what != "KMSKeyID "+current) {
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
	if err := a.plan(ctx, api, customMessage(d), rec, func(lc *types.LambdaConfigType) []string { return withSenders(lc, sender, key) }); err != nil {
		return nil, err
	}
	return a, nil
}
