package poolattach

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Change is what every attachment and detachment shares: the description it was worked out from,
// and either the checked update that changes only this package's LambdaConfig fields and tags
// (keeping the rest) or why it is refused. Attachment, SenderAttachment and Detachment differ only
// in which fields they set and what they put back on delete; the round trip is this one.
type Change struct {
	PoolID    string
	Described *Described // nil when the pool does not exist
	// Plan is the update to send; nil when the pool already is as it should be, or when Err is set.
	Plan *Plan
	// Err is why the change is refused (a refusal of the caller's, or the plan's own); nil when it
	// may go ahead.
	Err error
}

// plan builds, from the description, the update that sets the CustomMessage trigger to
// customMessage, this package's record to rec (nil removes it) and whatever edit changes in
// LambdaConfig (nil changes nothing else), and keeps it as Plan — or, when the comparison with the
// description refuses it, its refusal as Err. The error is for failed calls only.
func (c *Change) plan(ctx context.Context, api API, customMessage string, rec *Record, edit func(*types.LambdaConfigType) []string) error {
	p, err := newPlanWith(ctx, api, c.Described, customMessage, rec, edit)
	if err != nil {
		return err
	}
	if err := p.Err(); err != nil {
		c.Err = err
		return nil
	}
	c.Plan = p
	return nil
}

// Apply sends the planned update; it returns Err when the change is refused, and nil without a
// call when there is nothing to do.
func (c *Change) Apply(ctx context.Context, api API) error {
	if c.Err != nil {
		return c.Err
	}
	if c.Plan == nil {
		return nil
	}
	if _, err := api.UpdateUserPool(ctx, c.Plan.Input); err != nil {
		return explain(c.PoolID, c.Described, err)
	}
	return nil
}

// refuseManaged is the refusal of a pool that the CloudFormation stack managedBy manages: that
// stack's next update puts its own LambdaConfig back, which silently removes what this change
// wires (removes); instead says where to wire it.
func refuseManaged(managedBy, removes, instead string) error {
	return fmt.Errorf("%w %q (tag aws:cloudformation:stack-name): that stack's next update puts its own LambdaConfig back and silently removes %s. "+
		"%s, or deploy with -c allowManagedPool=true to accept that: %w", ErrManagedPool, managedBy, removes, instead, ErrRefused)
}
