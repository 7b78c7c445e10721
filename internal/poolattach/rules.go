package poolattach

// Rule is one way real Cognito treats an UpdateUserPool request built from its own description,
// where that is known from, and what UpdateInput does about it.
type Rule struct {
	ID      string
	Cognito string // what Cognito refuses or does
	Source  string // URL, repository path or issue it is known from
	// Confirmed is false when the source shows the behaviour only indirectly (another tool working
	// around it); such rules need a real account to confirm (README).
	Confirmed bool
	Update    string // what this package's update does about it
}

// Rules are the round-trip rules, in the order internal/awsfake checks them.
var Rules = []Rule{
	{
		ID:      "unused-account-validity",
		Cognito: "Refuses AdminCreateUserConfig.UnusedAccountValidityDays together with Policies.PasswordPolicy.TemporaryPasswordValidityDays: \"Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays\". DescribeUserPool reports both.",
		Source: "hashicorp/terraform-provider-aws internal/service/cognitoidp/user_pool.go (resourceUserPoolUpdate retries without it on that message); " +
			"aws-amplify/amplify-cli packages/amplify-category-auth/resources/lambda-function.js (drops it before every UpdateUserPool, quoting the message); " +
			"API reference, AdminCreateUserConfigType.UnusedAccountValidityDays (\"no longer in use\")",
		Confirmed: true,
		Update:    "UnusedAccountValidityDays is left out when the password policy sets TemporaryPasswordValidityDays, which replaces it.",
	},
	{
		ID:      "verification-email-style",
		Cognito: "Refuses a VerificationMessageTemplate with both EmailMessage and EmailMessageByLink: only the message of the DefaultEmailOption style may be given.",
		Source: "API reference, UpdateUserPool, VerificationMessageTemplate (\"When you supply both parameters with either choice, Amazon Cognito returns an error\"; the same text documents UpdateUserPoolInput in aws-sdk-go-v2); " +
			"aws/aws-cli#8280 (both given: \"The message is invalid.\")",
		Confirmed: true,
		Update:    "When the description has both, the message of the other style (EmailMessageByLink for CONFIRM_WITH_CODE or no option, EmailMessage for CONFIRM_WITH_LINK) is left out; Cognito does not use it.",
	},
	{
		ID:        "link-style-deprecated-email",
		Cognito:   "Refuses EmailVerificationMessage or EmailVerificationSubject when VerificationMessageTemplate.DefaultEmailOption is CONFIRM_WITH_LINK: \"The message is invalid.\"",
		Source:    "aws/aws-cdk#6811 (a link-style pool fails to deploy) and its fix aws/aws-cdk#6938 (\"emailVerificationMessage and emailVerificationSubject properties are not set when link-style verification is used. This is root cause\")",
		Confirmed: true,
		Update:    "For link-style pools the two deprecated fields are left out (the API reference: \"This parameter is no longer used\"); the template carries the messages.",
	},
	{
		ID:      "message-patterns",
		Cognito: "Refuses a message template outside its pattern or length: {####} in every code email and SMS, {##…##} in the link email, subjects of letters, marks, symbols, numbers, punctuation and spaces; 6–20,000 characters for emails, 1–140 for subjects, 6–140 for SMS.",
		Source: "API reference: VerificationMessageTemplateType, MessageTemplateType, UpdateUserPool (patterns and length constraints); " +
			"aws-amplify/amplify-studio#876 (\"failed to satisfy constraint: Member must satisfy regular expression pattern\"); aws/aws-cli#8280",
		Confirmed: true,
		Update:    "Templates are sent back exactly as described, each in the field it was described in.",
	},
	{
		ID:        "verify-before-update",
		Cognito:   "Refuses UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate naming an attribute that is not in AutoVerifiedAttributes.",
		Source:    "aws/aws-cli#7151 (\"All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes\")",
		Confirmed: true,
		Update:    "Both are carried together, as described.",
	},
	{
		ID:      "custom-sender-kms",
		Cognito: "Refuses LambdaConfig.CustomEmailSender or CustomSMSSender without LambdaConfig.KMSKeyID.",
		Source: "API reference, LambdaConfigType.KMSKeyID (the key Cognito encrypts codes with for custom sender triggers); " +
			"hashicorp/terraform-provider-aws internal/service/cognitoidp/user_pool.go (custom_email_sender and custom_sms_sender are RequiredWith kms_key_id)",
		Confirmed: true,
		Update:    "The whole LambdaConfig is carried, key included; only CustomMessage changes.",
	},
	{
		ID:      "pre-token-generation-match",
		Cognito: "Expects LambdaConfig.PreTokenGeneration and PreTokenGenerationConfig.LambdaArn to name the same function (DescribeUserPool reports both).",
		Source:  "hashicorp/terraform-provider-aws internal/service/cognitoidp/user_pool.go (resourceUserPoolUpdate copies each into the other whenever one changes)",
		Update:  "Both are carried as described.",
	},
	{
		ID:        "developer-email-source-arn",
		Cognito:   "Refuses EmailConfiguration.EmailSendingAccount DEVELOPER without a SourceArn.",
		Source:    "API reference, EmailConfigurationType.EmailSendingAccount (\"If you use this option, provide the ARN of an Amazon SES verified email address for the SourceArn parameter\")",
		Confirmed: true,
		Update:    "The whole EmailConfiguration is carried.",
	},
	{
		ID:      "sms-role-pass-role",
		Cognito: "Refuses (AccessDeniedException) an update that carries SmsConfiguration.SnsCallerArn when the caller may not iam:PassRole that role — even when the role does not change.",
		Source: "aws-amplify/amplify-cli packages/amplify-category-auth/src/provider-utils/awscloudformation/utils/generate-auth-trigger-template.ts " +
			"(its Describe→Update trigger resource needed iam:PassRole: \"not authorized to perform: iam:PassRole on resource: …role/sns…\")",
		Confirmed: true,
		Update:    "The SMS configuration is carried; the stack grants the provider iam:PassRole on the role given as -c poolSmsRoleArn (to Cognito only), and the error names that setting.",
	},
	{
		ID:        "threat-protection-plus",
		Cognito:   "Refuses UserPoolAddOns.AdvancedSecurityMode AUDIT or ENFORCED on a pool not on the Plus feature plan (FeatureUnavailableInTierException). UserPoolTier is the one setting not reset when omitted.",
		Source:    "API reference, UpdateUserPool: UserPoolAddOns (\"To activate this setting, your user pool must be on the Plus tier\") and the note on UserPoolTier",
		Confirmed: true,
		Update:    "UserPoolTier and UserPoolAddOns are carried together.",
	},
	{
		ID:      "reserved-tags",
		Cognito: "Keeps tags whose key starts with aws: (CloudFormation's aws:cloudformation:stack-name, -stack-id, -logical-id) out of callers' hands: they can be neither set nor removed.",
		Source:  "AWS tagging guide, \"Best practices and strategies\" (the aws: prefix is reserved); UserPoolTaggingException in the UpdateUserPool API reference",
		Update:  "aws: tags are left out of UserPoolTags; Cognito keeps them.",
	},
	{
		ID:        "tag-limits",
		Cognito:   "Refuses more than 50 tags, a key outside 1–128 characters or a value over 256, or characters outside letters, digits, spaces and _ . : / = + - @.",
		Source:    "API reference, UpdateUserPool, UserPoolTags (map of at most 50 entries; key 1–128, value 0–256, pattern ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$)",
		Confirmed: true,
		Update:    "The record tags (Record; three, four with an owner) are checked before the update: a pool with no room for them, or a previous trigger that cannot be written as a tag value, is refused with a clear message.",
	},
}

// Unenforced are documented constraints real Cognito is seen not to apply to an update built
// from its own description; the update carries the settings as described, and the fake does not
// enforce them.
var Unenforced = []Rule{
	{
		ID:      "developer-only-templates",
		Cognito: "The API reference says EmailMessage, EmailSubject, EmailMessageByLink and EmailSubjectByLink \"can be set only if EmailSendingAccount is DEVELOPER\".",
		Source: "API reference, VerificationMessageTemplateType and MessageTemplateType; contradicted by aws-cdk's UserPool, which sends a VerificationMessageTemplate " +
			"with EmailMessage and EmailSubject for every pool it creates, COGNITO_DEFAULT ones included (this project's own pool is one), and Cognito accepts them",
		Update: "Templates are carried as described whatever the sending account: Cognito stored them, and dropping them would reset them.",
	},
}

// ReadOnly are the DescribeUserPool fields UpdateUserPool does not take, with the reason an update
// neither sends nor resets them. Anything else the description holds must be carried.
var ReadOnly = map[string]string{
	"Arn":                       "computed by Cognito",
	"CreationDate":              "computed by Cognito",
	"LastModifiedDate":          "computed by Cognito",
	"EstimatedNumberOfUsers":    "computed by Cognito",
	"Status":                    "computed by Cognito (deprecated)",
	"EmailConfigurationFailure": "a status message computed by Cognito",
	"SmsConfigurationFailure":   "a status message computed by Cognito",
	"Domain":                    "set with CreateUserPoolDomain, not UpdateUserPool",
	"CustomDomain":              "set with CreateUserPoolDomain, not UpdateUserPool",
	"SchemaAttributes":          "not an UpdateUserPool parameter: attributes are added with AddCustomAttributes and can't be removed",
	"AliasAttributes":           "fixed when the pool is created (developer guide, \"Settings you can't change\")",
	"UsernameAttributes":        "fixed when the pool is created (developer guide, \"Settings you can't change\")",
	"UsernameConfiguration":     "fixed when the pool is created (developer guide, \"Settings you can't change\")",
}

// ruleByID returns the rule with that ID; the zero Rule if there is none.
func ruleByID(id string) Rule {
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	return Rule{}
}
