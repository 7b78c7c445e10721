package awsfake

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf16"
)

// CognitoRule is one way real Cognito refuses an UpdateUserPool request. What it refuses, the
// source it is known from and how the provider's update satisfies it are written once, in
// internal/poolattach's Rules, under the same ID (a test keeps the two lists equal).
type CognitoRule struct {
	ID    string
	check func(req, cur map[string]any, c *Cognito) *apiError
}

func invalid(msg string) *apiError {
	return &apiError{Type: "InvalidParameterException", Message: msg, Status: 400}
}

// The character classes and lengths of Cognito's message templates (API reference:
// VerificationMessageTemplateType, MessageTemplateType, UpdateUserPool).
var (
	codeEmail   = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*$`)
	linkEmail   = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{##[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*##\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*$`)
	subjectText = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+$`)
	smsText     = regexp.MustCompile(`(?s)^.*\{####\}.*$`)
)

type textRule struct {
	path     []string
	re       *regexp.Regexp
	min, max int
}

var textRules = []textRule{
	{[]string{"EmailVerificationMessage"}, codeEmail, 6, 20000},
	{[]string{"EmailVerificationSubject"}, subjectText, 1, 140},
	{[]string{"SmsVerificationMessage"}, smsText, 6, 140},
	{[]string{"SmsAuthenticationMessage"}, smsText, 6, 140},
	{[]string{"VerificationMessageTemplate", "EmailMessage"}, codeEmail, 6, 20000},
	{[]string{"VerificationMessageTemplate", "EmailSubject"}, subjectText, 1, 140},
	{[]string{"VerificationMessageTemplate", "EmailMessageByLink"}, linkEmail, 6, 20000},
	{[]string{"VerificationMessageTemplate", "EmailSubjectByLink"}, subjectText, 1, 140},
	{[]string{"VerificationMessageTemplate", "SmsMessage"}, smsText, 6, 140},
	{[]string{"AdminCreateUserConfig", "InviteMessageTemplate", "EmailMessage"}, codeEmail, 6, 20000},
	{[]string{"AdminCreateUserConfig", "InviteMessageTemplate", "EmailSubject"}, subjectText, 1, 140},
	{[]string{"AdminCreateUserConfig", "InviteMessageTemplate", "SMSMessage"}, smsText, 6, 140},
}

// CognitoRules are the refusals the fake enforces, in the order it checks them.
var CognitoRules = []CognitoRule{
	{
		ID: "unused-account-validity",
		check: func(req, _ map[string]any, _ *Cognito) *apiError {
			if num(req, "AdminCreateUserConfig", "UnusedAccountValidityDays") != 0 && num(req, "Policies", "PasswordPolicy", "TemporaryPasswordValidityDays") != 0 {
				return invalid("Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays")
			}
			return nil
		},
	},
	{
		ID: "verification-email-style",
		check: func(req, _ map[string]any, _ *Cognito) *apiError {
			if get(req, "VerificationMessageTemplate", "EmailMessage") != nil && get(req, "VerificationMessageTemplate", "EmailMessageByLink") != nil {
				return invalid("The message is invalid.")
			}
			return nil
		},
	},
	{
		ID: "link-style-deprecated-email",
		check: func(req, _ map[string]any, _ *Cognito) *apiError {
			if str(req, "VerificationMessageTemplate", "DefaultEmailOption") == "CONFIRM_WITH_LINK" &&
				(get(req, "EmailVerificationMessage") != nil || get(req, "EmailVerificationSubject") != nil) {
				return invalid("The message is invalid.")
			}
			return nil
		},
	},
	{
		ID: "message-patterns",
		check: func(req, _ map[string]any, _ *Cognito) *apiError {
			for _, r := range textRules {
				v := get(req, r.path...)
				if v == nil {
					continue
				}
				s, _ := v.(string)
				n := len(utf16.Encode([]rune(s)))
				if n < r.min || n > r.max || !r.re.MatchString(s) {
					return &apiError{Type: "InvalidParameterException", Status: 400,
						Message: fmt.Sprintf("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", strings.Join(r.path, "."), r.re)}
				}
			}
			return nil
		},
	},
	{
		ID: "verify-before-update",
		check: func(req, _ map[string]any, _ *Cognito) *apiError {
			list, _ := get(req, "UserAttributeUpdateSettings", "AttributesRequireVerificationBeforeUpdate").([]any)
			for _, a := range list {
				if !containsAny(get(req, "AutoVerifiedAttributes"), a) {
					return invalid("All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes")
				}
			}
			return nil
		},
	},
	{
		ID: "custom-sender-kms",
		check: func(req, _ map[string]any, _ *Cognito) *apiError {
			lc := get(req, "LambdaConfig")
			if (get(lc, "CustomEmailSender") != nil || get(lc, "CustomSMSSender") != nil) && str(lc, "KMSKeyID") == "" {
				return invalid("KMSKeyID is required when a custom sender trigger is configured")
			}
			return nil
		},
	},
	{
		ID: "pre-token-generation-match",
		check: func(req, _ map[string]any, _ *Cognito) *apiError {
			a, b := str(req, "LambdaConfig", "PreTokenGeneration"), str(req, "LambdaConfig", "PreTokenGenerationConfig", "LambdaArn")
			if a != "" && b != "" && a != b {
				return invalid("PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same")
			}
			return nil
		},
	},
	{
		ID: "developer-email-source-arn",
		check: func(req, _ map[string]any, _ *Cognito) *apiError {
			if str(req, "EmailConfiguration", "EmailSendingAccount") == "DEVELOPER" && str(req, "EmailConfiguration", "SourceArn") == "" {
				return invalid("SourceArn is required when EmailSendingAccount is DEVELOPER")
			}
			return nil
		},
	},
	{
		ID: "sms-role-pass-role",
		check: func(req, _ map[string]any, c *Cognito) *apiError {
			if role := str(req, "SmsConfiguration", "SnsCallerArn"); role != "" && c.denyPassRole[role] {
				return &apiError{Type: "AccessDeniedException", Status: 400,
					Message: "User: arn:aws:sts::123456789012:assumed-role/provider is not authorized to perform: iam:PassRole on resource: " + role}
			}
			return nil
		},
	},
	{
		ID: "threat-protection-plus",
		check: func(req, cur map[string]any, _ *Cognito) *apiError {
			mode := str(req, "UserPoolAddOns", "AdvancedSecurityMode")
			tier := str(req, "UserPoolTier")
			if tier == "" {
				tier = str(cur, "UserPoolTier")
			}
			if (mode == "AUDIT" || mode == "ENFORCED") && tier != "PLUS" {
				return &apiError{Type: "FeatureUnavailableInTierException", Status: 400, Message: "Threat protection requires the Plus feature plan"}
			}
			return nil
		},
	},
	{
		ID: "reserved-tags",
		check: func(req, _ map[string]any, _ *Cognito) *apiError {
			tags, _ := req["UserPoolTags"].(map[string]any)
			for _, k := range sortedKeys(tags) {
				if strings.HasPrefix(strings.ToLower(k), "aws:") {
					return &apiError{Type: "UserPoolTaggingException", Status: 400, Message: "Tag keys starting with aws: are reserved: " + k}
				}
			}
			return nil
		},
	},
	{
		ID: "tag-limits",
		check: func(req, cur map[string]any, _ *Cognito) *apiError {
			tags, _ := req["UserPoolTags"].(map[string]any)
			total := len(tags)
			old, _ := get(cur, "UserPoolTags").(map[string]any)
			for k := range old {
				if strings.HasPrefix(k, "aws:") {
					total++
				}
			}
			if total > 50 {
				return &apiError{Type: "UserPoolTaggingException", Status: 400, Message: fmt.Sprintf("a user pool can have at most 50 tags; this update gives it %d", total)}
			}
			for k, v := range tags {
				s, _ := v.(string)
				if k == "" || len([]rune(k)) > 128 || len([]rune(s)) > 256 || !tagText.MatchString(k) || !tagText.MatchString(s) {
					return &apiError{Type: "InvalidParameterException", Status: 400, Message: fmt.Sprintf("tag %q=%q does not satisfy the tag constraints", k, s)}
				}
			}
			return nil
		},
	},
}

var tagText = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

func containsAny(list any, v any) bool {
	s, _ := list.([]any)
	for _, e := range s {
		if e == v {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
