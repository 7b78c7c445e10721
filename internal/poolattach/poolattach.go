// Package poolattach wires a function into an existing user pool as its CustomMessage trigger, and
// unwires it, without resetting anything else.
//
// Cognito's UpdateUserPool resets every setting it is not given — triggers, message templates,
// verification, MFA, email and SMS configuration, policies. So every change here is
// DescribeUserPool, then UpdateUserPool with every updatable setting carried over from the
// description and only LambdaConfig.CustomMessage changed (UpdateInput, a pure function pinned by
// tests that also fail when the SDK's UpdateUserPoolInput gains a field the mapping does not carry).
package poolattach

import (
	"context"
	"errors"
	"fmt"
	"strings"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// API is the part of the Cognito client this package calls.
type API interface {
	DescribeUserPool(context.Context, *cip.DescribeUserPoolInput, ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error)
	UpdateUserPool(context.Context, *cip.UpdateUserPoolInput, ...func(*cip.Options)) (*cip.UpdateUserPoolOutput, error)
}

// Carried are the fields of UpdateUserPoolInput that UpdateInput fills from the description. Every
// field of UpdateUserPoolInput is in this list; a test fails otherwise.
var Carried = []string{
	"UserPoolId", "AccountRecoverySetting", "AdminCreateUserConfig", "AutoVerifiedAttributes",
	"DeletionProtection", "DeviceConfiguration", "EmailConfiguration", "EmailVerificationMessage",
	"EmailVerificationSubject", "IssuerConfiguration", "KeyConfiguration", "LambdaConfig",
	"MfaConfiguration", "Policies", "PoolName", "SmsAuthenticationMessage", "SmsConfiguration",
	"SmsVerificationMessage", "UserAttributeUpdateSettings", "UserPoolAddOns", "UserPoolTags",
	"UserPoolTier", "VerificationMessageTemplate",
}

// UpdateInput returns the UpdateUserPool request that leaves pool exactly as described but for its
// CustomMessage trigger, set to customMessage ("" removes it).
//
// One adjustment: DescribeUserPool reports AdminCreateUserConfig.UnusedAccountValidityDays even when
// the pool sets Policies.PasswordPolicy.TemporaryPasswordValidityDays, and UpdateUserPool refuses the
// two together; the deprecated one is dropped then, which changes nothing.
func UpdateInput(pool *types.UserPoolType, customMessage string) *cip.UpdateUserPoolInput {
	in := &cip.UpdateUserPoolInput{
		UserPoolId:                  pool.Id,
		AccountRecoverySetting:      pool.AccountRecoverySetting,
		AdminCreateUserConfig:       pool.AdminCreateUserConfig,
		AutoVerifiedAttributes:      pool.AutoVerifiedAttributes,
		DeletionProtection:          pool.DeletionProtection,
		DeviceConfiguration:         pool.DeviceConfiguration,
		EmailConfiguration:          pool.EmailConfiguration,
		EmailVerificationMessage:    pool.EmailVerificationMessage,
		EmailVerificationSubject:    pool.EmailVerificationSubject,
		IssuerConfiguration:         pool.IssuerConfiguration,
		KeyConfiguration:            pool.KeyConfiguration,
		MfaConfiguration:            pool.MfaConfiguration,
		Policies:                    pool.Policies,
		PoolName:                    pool.Name,
		SmsAuthenticationMessage:    pool.SmsAuthenticationMessage,
		SmsConfiguration:            pool.SmsConfiguration,
		SmsVerificationMessage:      pool.SmsVerificationMessage,
		UserAttributeUpdateSettings: pool.UserAttributeUpdateSettings,
		UserPoolAddOns:              pool.UserPoolAddOns,
		UserPoolTags:                pool.UserPoolTags,
		UserPoolTier:                pool.UserPoolTier,
		VerificationMessageTemplate: pool.VerificationMessageTemplate,
	}
	var lc types.LambdaConfigType
	if pool.LambdaConfig != nil {
		lc = *pool.LambdaConfig
	}
	lc.CustomMessage = nil
	if customMessage != "" {
		lc.CustomMessage = &customMessage
	}
	in.LambdaConfig = &lc
	if a := pool.AdminCreateUserConfig; a != nil && a.UnusedAccountValidityDays != 0 &&
		pool.Policies != nil && pool.Policies.PasswordPolicy != nil && pool.Policies.PasswordPolicy.TemporaryPasswordValidityDays != 0 {
		c := *a
		c.UnusedAccountValidityDays = 0
		in.AdminCreateUserConfig = &c
	}
	return in
}

// State is what an attachment must remember to be undone: which pool, which function, and the
// CustomMessage trigger the pool had before ("" for none).
type State struct {
	PoolID, FunctionArn, Previous string
}

const idPrefix = "cognito-custom-message"

// PhysicalID encodes the state as the custom resource's physical ID: CloudFormation hands it back
// on Update and Delete, which is how Delete knows what to restore.
func (s State) PhysicalID() string {
	return strings.Join([]string{idPrefix, s.PoolID, s.FunctionArn, s.Previous}, "|")
}

// ParsePhysicalID decodes a PhysicalID; ok is false for anything else (such as the request ID
// CloudFormation uses after a failed create).
func ParsePhysicalID(id string) (State, bool) {
	parts := strings.Split(id, "|")
	if len(parts) != 4 || parts[0] != idPrefix || parts[1] == "" || parts[2] == "" {
		return State{}, false
	}
	return State{PoolID: parts[1], FunctionArn: parts[2], Previous: parts[3]}, true
}

// ErrForeignTrigger means the pool already has a CustomMessage trigger that is not ours.
var ErrForeignTrigger = errors.New("the user pool already has a CustomMessage trigger")

// Decide works out, from the pool's current CustomMessage trigger, what an attachment of
// functionArn must remember as the previous trigger. prior is the state of an earlier attachment
// of this resource to the same pool (nil on create): while the pool still points at that attachment's
// function, its remembered previous trigger carries over.
func Decide(current, functionArn string, replace bool, prior *State) (previous string, err error) {
	switch {
	case prior != nil && (current == prior.FunctionArn || current == functionArn):
		return prior.Previous, nil
	case current == functionArn:
		return "", nil // already ours, from an attachment we do not remember: removing it restores "none"
	case current == "" || replace:
		return current, nil
	}
	return "", fmt.Errorf("%w (%s): deploy with -c replaceExistingTrigger=true to replace it; it is restored when the stack is deleted", ErrForeignTrigger, current)
}

// Attach makes functionArn the pool's CustomMessage trigger, carrying every other setting over.
func Attach(ctx context.Context, api API, poolID, functionArn string, replace bool, prior *State) (State, error) {
	pool, err := describe(ctx, api, poolID)
	if err != nil {
		return State{}, err
	}
	previous, err := Decide(customMessage(pool), functionArn, replace, prior)
	if err != nil {
		return State{}, err
	}
	st := State{PoolID: poolID, FunctionArn: functionArn, Previous: previous}
	if customMessage(pool) == functionArn {
		return st, nil
	}
	if _, err := api.UpdateUserPool(ctx, UpdateInput(pool, functionArn)); err != nil {
		return State{}, fmt.Errorf("UpdateUserPool %s: %w", poolID, err)
	}
	return st, nil
}

// Detach puts the previous trigger back (or none), carrying every other setting over — but only if
// the pool still points at our function: a pool someone has re-wired since is left alone, and so is
// one that no longer exists. restored reports whether the pool was changed.
func Detach(ctx context.Context, api API, st State) (restored bool, err error) {
	pool, err := describe(ctx, api, st.PoolID)
	var notFound *types.ResourceNotFoundException
	if errors.As(err, &notFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if customMessage(pool) != st.FunctionArn {
		return false, nil
	}
	if _, err := api.UpdateUserPool(ctx, UpdateInput(pool, st.Previous)); err != nil {
		return false, fmt.Errorf("UpdateUserPool %s: %w", st.PoolID, err)
	}
	return true, nil
}

func describe(ctx context.Context, api API, poolID string) (*types.UserPoolType, error) {
	out, err := api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID})
	if err != nil {
		return nil, fmt.Errorf("DescribeUserPool %s: %w", poolID, err)
	}
	if out.UserPool == nil {
		return nil, fmt.Errorf("DescribeUserPool %s: no pool in the answer", poolID)
	}
	return out.UserPool, nil
}

func customMessage(pool *types.UserPoolType) string {
	if pool.LambdaConfig == nil || pool.LambdaConfig.CustomMessage == nil {
		return ""
	}
	return *pool.LambdaConfig.CustomMessage
}
