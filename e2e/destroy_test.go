//go:build e2e

package e2e_test

import (
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"cognito-custom-message/internal/awsfake"
	"cognito-custom-message/internal/e2e"
)

func detachProps(pool string) map[string]any {
	return map[string]any{"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:DetachProvider", "UserPoolId": pool, "FunctionArn": ours}
}

// TestDestroyDetachesRetainedPool: the stack's own pool is retained when the stack is deleted. The
// detach-on-stack-delete resource, served by the provider's real bootstrap, removes the trigger
// then — and only then — so users can still sign up to the kept pool: with the trigger, every
// sign-up would call a deleted function (real Cognito fails the request; cognito-local swallows
// the error, so the harness records the attempt).
//
// cognito-local has no CloudFormation, so the provider asks a small fake DescribeStacks endpoint
// (internal/awsfake) for the stack's status; and cognito-local calls its configured trigger for
// every pool, so the harness routes calls by each pool's LambdaConfig as Cognito does
// (e2e.Options.TriggerArn).
func TestDestroyDetachesRetainedPool(t *testing.T) {
	e := setup(t, func(o *e2e.Options) { o.TriggerArn = ours })
	ctx := e.ctx
	c := sdk(e.h.Endpoint)
	stacks := awsfake.NewCloudFormation()
	t.Cleanup(stacks.Close)

	// Deploy-like: CloudFormation creates the pool wired to the function, and the resource.
	pool, client := plainPool(t, e, c, "stack-pool", ours)
	before := describePool(t, ctx, c, pool)
	p := startProvider(t, ctx, e.h.Endpoint, pool, "AWS_ENDPOINT_URL_CLOUDFORMATION="+stacks.URL)
	r := p.must(ctx, "create", cfn.RequestCreate, detachType, "", detachProps(pool), nil)
	if calls, _ := signUpCalls(t, e, client, "dora@example.com"); len(calls) != 1 || calls[0].Err != nil {
		t.Fatalf("sign-up on the deployed pool reached the function %d times; want 1", len(calls))
	}

	// An update that replaces the resource deletes the old one in its cleanup: the pool stays
	// CloudFormation's, wired.
	stacks.SetStatus(stackID, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
	p.must(ctx, "cleanup delete", cfn.RequestDelete, detachType, r.PhysicalResourceID, detachProps(pool), nil)
	samePool(t, before, describePool(t, ctx, c, pool), ours)
	if calls, _ := signUpCalls(t, e, client, "emil@example.com"); len(calls) != 1 {
		t.Fatalf("after an update's cleanup, sign-up reached the function %d times; want 1", len(calls))
	}

	// The stack is deleted: the resource goes first, then the function.
	stacks.SetStatus(stackID, "DELETE_IN_PROGRESS")
	p.must(ctx, "stack delete", cfn.RequestDelete, detachType, r.PhysicalResourceID, detachProps(pool), nil)
	e.h.DeleteFunction()
	samePool(t, before, describePool(t, ctx, c, pool), "")
	calls, skipped := signUpCalls(t, e, client, "finn@example.com")
	if len(calls) != 0 || skipped != 1 {
		t.Errorf("sign-up on the kept pool: %d calls to the deleted function, %d without a trigger; want 0 and 1", len(calls), skipped)
	}
	if d := e.h.Deliveries(); len(d) == 0 || d[len(d)-1].Code != code {
		t.Errorf("no code delivered for the sign-up on the kept pool")
	}

	// What the previous release left behind: a retained pool still wired to the deleted function.
	_, staleClient := plainPool(t, e, c, "previous-release-pool", ours)
	calls, _ = signUpCalls(t, e, staleClient, "gus@example.com")
	if len(calls) != 1 || calls[0].Err == nil {
		t.Errorf("a pool still wired to the deleted function: %d attempts; want 1 failed attempt (real Cognito fails the sign-up)", len(calls))
	}
}
