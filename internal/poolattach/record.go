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
)

// MaxTags is how many tags Cognito allows on a user pool (rule "tag-limits").
const MaxTags = 50

// Record is what an attachment remembers about itself, on the pool.
type Record struct {
	Function string // the trigger the attachment set
	Previous string // the trigger to restore when the attachment is removed; "" for none
	Applied  string // the options it was last applied with (Options.String)
}

// RecordOf reads the record from a pool's tags; ok is false when the pool carries none.
func RecordOf(tags map[string]string) (r Record, ok bool) {
	fn, ok := tags[TagFunction]
	if !ok || fn == "" {
		return Record{}, false
	}
	return Record{Function: fn, Previous: tags[TagPrevious], Applied: tags[TagApplied]}, true
}

func (r Record) tags() map[string]string {
	return map[string]string{TagFunction: r.Function, TagPrevious: r.Previous, TagApplied: r.Applied}
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
