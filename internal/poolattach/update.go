package poolattach

import (
	"sort"
	"strings"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

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

// Adjustment is a described setting the update deliberately leaves out, and the rule (Rules) that
// makes it do so.
type Adjustment struct {
	Path string // as in Entry.Path
	Rule string // a Rules ID
}

// UpdateInput returns the UpdateUserPool request that leaves pool as described but for its
// CustomMessage trigger, set to customMessage ("" removes it), and this package's tags, set from
// rec (nil removes them). Every other setting is carried over, but for the adjustments the rules
// require, which it returns. It does not change pool.
func UpdateInput(pool *types.UserPoolType, customMessage string, rec *Record) (*cip.UpdateUserPoolInput, []Adjustment) {
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
		UserPoolTier:                pool.UserPoolTier,
		VerificationMessageTemplate: pool.VerificationMessageTemplate,
	}
	var adj []Adjustment

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
		adj = append(adj, Adjustment{"AdminCreateUserConfig.UnusedAccountValidityDays", "unused-account-validity"})
	}

	if v := pool.VerificationMessageTemplate; v != nil {
		link := v.DefaultEmailOption == types.DefaultEmailOptionTypeConfirmWithLink
		if v.EmailMessage != nil && v.EmailMessageByLink != nil {
			c := *v
			if link {
				c.EmailMessage = nil
				adj = append(adj, Adjustment{"VerificationMessageTemplate.EmailMessage", "verification-email-style"})
			} else {
				c.EmailMessageByLink = nil
				adj = append(adj, Adjustment{"VerificationMessageTemplate.EmailMessageByLink", "verification-email-style"})
			}
			in.VerificationMessageTemplate = &c
		}
		if link {
			if in.EmailVerificationMessage != nil {
				in.EmailVerificationMessage = nil
				adj = append(adj, Adjustment{"EmailVerificationMessage", "link-style-deprecated-email"})
			}
			if in.EmailVerificationSubject != nil {
				in.EmailVerificationSubject = nil
				adj = append(adj, Adjustment{"EmailVerificationSubject", "link-style-deprecated-email"})
			}
		}
	}

	tags := map[string]string{}
	for _, k := range sortedKeys(pool.UserPoolTags) {
		v := pool.UserPoolTags[k]
		switch {
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			adj = append(adj, Adjustment{tagPath(k), "reserved-tags"})
		case isRecordTag(k):
		default:
			tags[k] = v
		}
	}
	if rec != nil {
		for k, v := range rec.tags() {
			tags[k] = v
		}
	}
	if len(tags) > 0 || pool.UserPoolTags != nil {
		in.UserPoolTags = tags
	}
	return in, adj
}

// withSenders makes sender lc's CustomEmailSender and CustomSMSSender (SenderVersion) with key as
// KMSKeyID, and returns the paths it set: what withoutSenders takes out again.
func withSenders(lc *types.LambdaConfigType, sender, key string) []string {
	lc.CustomEmailSender = &types.CustomEmailLambdaVersionConfigType{LambdaArn: &sender, LambdaVersion: SenderVersion}
	lc.CustomSMSSender = &types.CustomSMSLambdaVersionConfigType{LambdaArn: &sender, LambdaVersion: types.CustomSMSSenderLambdaVersionType(SenderVersion)}
	lc.KMSKeyID = &key
	return []string{"LambdaConfig.CustomEmailSender", "LambdaConfig.CustomSMSSender", "LambdaConfig.KMSKeyID"}
}

// withoutSenders removes from lc the custom sender triggers (CustomEmailSender, CustomSMSSender)
// whose function is sender, and KMSKeyID once no custom sender is left (Cognito refuses a custom
// sender without a key: rule custom-sender-kms, but keeps nothing for a key without one). It
// returns the paths it removed; "" removes nothing.
func withoutSenders(lc *types.LambdaConfigType, sender string) []string {
	if sender == "" || lc == nil {
		return nil
	}
	var removed []string
	if lc.CustomEmailSender != nil && deref(lc.CustomEmailSender.LambdaArn) == sender {
		lc.CustomEmailSender = nil
		removed = append(removed, "LambdaConfig.CustomEmailSender")
	}
	if lc.CustomSMSSender != nil && deref(lc.CustomSMSSender.LambdaArn) == sender {
		lc.CustomSMSSender = nil
		removed = append(removed, "LambdaConfig.CustomSMSSender")
	}
	if len(removed) > 0 && lc.CustomEmailSender == nil && lc.CustomSMSSender == nil && lc.KMSKeyID != nil {
		lc.KMSKeyID = nil
		removed = append(removed, "LambdaConfig.KMSKeyID")
	}
	return removed
}

// sendsThrough reports whether a custom sender trigger of the described pool is sender.
func sendsThrough(d *Described, sender string) bool {
	lc := d.Pool.LambdaConfig
	if sender == "" || lc == nil {
		return false
	}
	return (lc.CustomEmailSender != nil && deref(lc.CustomEmailSender.LambdaArn) == sender) ||
		(lc.CustomSMSSender != nil && deref(lc.CustomSMSSender.LambdaArn) == sender)
}

func tagPath(key string) string { return "UserPoolTags[" + key + "]" }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
