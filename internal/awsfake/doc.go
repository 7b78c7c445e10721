// Package awsfake serves, on loopback, the two AWS APIs the custom-resource provider calls, for
// tests that cannot reach AWS: Cognito's user-pool API (AWS JSON 1.1, the protocol the Go SDK
// speaks: POST /, X-Amz-Target AWSCognitoIdentityProviderService.<Operation>) and CloudFormation's
// DescribeStacks (AWS Query, XML answers).
//
// A fake only where the real thing cannot run here: cognito-local (the end-to-end tests' user-pool
// API) stores whatever UpdateUserPool is given, so it cannot show that real Cognito refuses some
// round trips, nor that it resets what an update leaves out. Cognito here does both:
//
//   - UpdateUserPool is checked against CognitoRules, the refusals documented for real Cognito or
//     reported by users and tools; each is written down, with its source, in internal/poolattach's
//     Rules under the same ID. A refused update changes nothing.
//   - An accepted update replaces every setting of the pool with what the request carries: a
//     setting left out is reset (removed, or its default where Cognito documents one), except the
//     read-only ones (ReadOnlyFields), the feature plan (UserPoolTier, documented as kept) and
//     reserved aws: tags.
//   - Pools are stored as raw JSON, so a test can give a pool fields the SDK does not know (a
//     setting AWS added after the SDK was released): DescribeUserPool returns them and an update
//     that does not carry them resets them, as a real newer Cognito would.
package awsfake
