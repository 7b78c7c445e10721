// Package poolattach wires a function into an existing user pool as its CustomMessage trigger, and
// unwires it, without resetting anything else.
//
// # Why every change is a Describe → Update round trip
//
// Cognito's UpdateUserPool resets every setting it is not given — triggers, message templates,
// verification, MFA, email and SMS configuration, policies (API reference, UpdateUserPool: "With
// the exception of UserPoolTier, if you don't provide a value for an attribute, Amazon Cognito sets
// it to its default value"). So every change here is DescribeUserPool, then UpdateUserPool with
// every updatable setting carried over from the description and only LambdaConfig.CustomMessage
// (and this package's own tags) changed. Change is that round trip; the CustomMessage attachment
// (PlanAttach), the custom sender attachment (PlanAttachSenders, which sets CustomEmailSender,
// CustomSMSSender and KMSKeyID instead) and the detachment (PlanDetachAll) differ only in the
// LambdaConfig fields they set and what they put back.
//
// # Why the raw answer is read too
//
// The carry-over is complete only for the AWS SDK this package was built with: when AWS adds a pool
// setting, DescribeUserPool returns it, the SDK skips it while decoding, and an update built from the
// decoded pool resets it. So Describe keeps the raw JSON of the answer next to the decoded pool, and
// NewPlan compares it, field by field at every depth, with the exact JSON the SDK would send. A
// field the update would not carry, and no documented rule explains, makes the plan refuse: the pool
// is left alone and the error names the fields and says a newer release is needed.
//
// # The rules Cognito applies to an update
//
// Real Cognito also refuses some round trips of its own description (deprecated fields next to
// their replacements, both verification message styles at once, …). Rules lists each, with the
// source it is known from and what UpdateInput does about it; internal/awsfake enforces the same
// rules in tests, under the same IDs.
//
// # Where the previous trigger is kept
//
// An attachment records, in tags on the pool itself (Record), which function it attached, the
// CustomMessage trigger the pool had before, the options it was applied with, and who attached it
// (the stack): a trigger the record names for the same owner is ours even when the function's ARN
// has changed since, so it is replaced, never kept as "previous". The tags are
// written by the same UpdateUserPool that sets the trigger, so the two cannot disagree, and every
// later event — a retried create, an update, a rollback, a delete — reads them back from the pool
// instead of trusting what CloudFormation hands back.
package poolattach
