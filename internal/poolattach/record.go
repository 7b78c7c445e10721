package poolattach

import (
	"fmt"
	"regexp"
	"strings"
)

// The tags an attachment keeps on the pool. They are written by the same UpdateUserPool that sets
// the trigger, and removed by the one that restores the previous trigger.
const (
	TagFunction = "cognito-custom-message:function" // the CustomMessage trigger the attachment set
	TagPrevious = "cognito-custom-message:previous" // the trigger the pool had before ("" for none)
	TagApplied  = "cognito-custom-message:applied"  // the Options last applied, as Options.String
	TagOwner    = "cognito-custom-message:owner"    // who attached (Options.Owner: the stack's ID); absent when unknown
)

// MaxTags is how many tags Cognito allows on a user pool (rule "tag-limits").
const MaxTags = 50

// Record is what an attachment remembers about itself, on the pool.
type Record struct {
	Function string // the trigger the attachment set
	Previous string // the trigger to restore when the attachment is removed; "" for none
	Applied  string // the options it was last applied with (Options.String)
	Owner    string // who attached (Options.Owner); "" on records written before owners were kept
}

// RecordOf reads the record from a pool's tags; ok is false when the pool carries none.
func RecordOf(tags map[string]string) (r Record, ok bool) {
	fn, ok := tags[TagFunction]
	if !ok || fn == "" {
		return Record{}, false
	}
	return Record{Function: fn, Previous: tags[TagPrevious], Applied: tags[TagApplied], Owner: tags[TagOwner]}, true
}

func (r Record) tags() map[string]string {
	t := map[string]string{TagFunction: r.Function, TagPrevious: r.Previous, TagApplied: r.Applied}
	if r.Owner != "" {
		t[TagOwner] = r.Owner
	}
	return t
}

// ownedBy reports whether the record was written by the attachment opt describes: the same owner,
// or, on a record without one, for the function the caller says it attached before.
func (r Record) ownedBy(opt Options) bool {
	if r.Owner != "" {
		return r.Owner == opt.Owner
	}
	return opt.Earlier != "" && r.Function == opt.Earlier
}

// isRecordTag reports the tags this package writes and removes.
func isRecordTag(key string) bool {
	return key == TagFunction || key == TagPrevious || key == TagApplied || key == TagOwner
}

var tagValue = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// check reports a record Cognito would refuse as tags (rule "tag-limits"): a Lambda ARN with a
// qualifier such as $LATEST has a character tags cannot hold.
func (r Record) check() error {
	for k, v := range r.tags() {
		if len([]rune(v)) > 256 || !tagValue.MatchString(v) {
			return fmt.Errorf("cannot record %s = %q as a tag on the pool (tag values allow at most 256 letters, digits, spaces and _ . : / = + - @): %w", k, v, ErrRefused)
		}
	}
	return nil
}

// Options are what an attachment may do to a pool.
type Options struct {
	// Replace allows replacing a CustomMessage trigger that is not ours (it is restored on delete).
	Replace bool
	// AllowManaged allows attaching to a pool another CloudFormation stack manages, whose next
	// update puts its own LambdaConfig back.
	AllowManaged bool

	// Owner names who attaches (the provider gives its stack's ID); it is recorded on the pool. A
	// trigger the record names, written by the same owner, is ours even when it is not the function
	// being attached: the function was replaced (a new logical ID or name gives it a new ARN), and
	// the pool must move to the new one instead of treating the old one as foreign. Not part of
	// String: it says who attaches, not how.
	Owner string
	// Earlier is the function the caller attached before this request, if it knows one (the
	// provider: the Update's OldResourceProperties). It stands in for Owner on records written
	// before owners were kept, and only when the record names it too.
	Earlier string
	// EarlierKey is the KMS key the caller's previous request set as KMSKeyID (the provider: the
	// Update's OldResourceProperties), so that an update that replaced the stack's key moves the pool
	// to the new key instead of refusing the old one as someone else's. Only the sender attachment
	// reads it.
	EarlierKey string
}

// String is the form kept in TagApplied.
func (o Options) String() string {
	return fmt.Sprintf("replace=%t managed=%t", o.Replace, o.AllowManaged)
}

// ManagedBy returns the CloudFormation stack that manages a pool, from the tags CloudFormation puts
// on the resources it creates; "" when there is none.
func ManagedBy(tags map[string]string) string {
	for k, v := range tags {
		if strings.EqualFold(k, "aws:cloudformation:stack-name") {
			return v
		}
	}
	return ""
}
