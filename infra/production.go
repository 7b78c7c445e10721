package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Context keys of the production guard, as written in cdk.json and with -c.
const (
	KeyProductionStages = "productionStages"
	KeyAllowUnsafeProd  = "allowUnsafeProd"
)

// ProductionStage is always a production stage; KeyProductionStages adds others.
const ProductionStage = "prod"

// productionGap is a setting a production stage must not go without.
type productionGap struct {
	key  string
	risk string // what goes wrong without it
	fix  string
}

// productionGaps lists what c lacks for production; nothing when c.Production is false.
func (c Config) productionGaps() []productionGap {
	if !c.Production {
		return nil
	}
	var gaps []productionGap
	// In existing-pool mode the pool's email settings belong to its owner, and the SES keys only
	// configure a pool the stack creates: requiring them there would make people set keys that do
	// nothing. The README's production checklist covers that pool's sender.
	switch {
	case c.Sender != nil && c.SES == nil:
		// The sender function delivers every email itself: without a From address it sends none.
		gaps = append(gaps, productionGap{KeySESFromEmail,
			"with " + KeyDelivery + "=" + DeliveryCustomSender + " the sender function needs a verified SES identity to send from (EMAIL_FROM); without one no verification, password-reset or sign-in mail leaves",
			"verify an SES identity, out of the SES sandbox, and set -c " + KeySESFromEmail + "=no-reply@your.domain"})
	case c.SES == nil && c.UserPoolID == "":
		gaps = append(gaps, productionGap{KeySESFromEmail,
			"Cognito's default email sender allows 50 emails a day per account and region, so a few scripted sign-ups silence every verification and password-reset mail",
			"verify an SES identity, out of the SES sandbox, and set -c " + KeySESFromEmail + "=no-reply@your.domain"})
	}
	if c.Sender != nil {
		// A white-label brand that sends from the platform's address is the failure this mode exists
		// to end; its brand.json must name its own identity.
		for _, b := range c.Brands.Brands {
			if b.Config.FromEmail == "" {
				gaps = append(gaps, productionGap{"brand " + b.Name + "'s fromEmail",
					"with " + KeyDelivery + "=" + DeliveryCustomSender + " a brand without fromEmail (brand.json) sends from the default " + KeySESFromEmail + ": its users get mail from another product's address",
					"verify the brand's domain in SES and set \"fromEmail\" (and \"fromName\") in its brand.json"})
			}
		}
	}
	if c.AlarmTopicArn == "" {
		gaps = append(gaps, productionGap{KeyAlarmTopicArn,
			"the alarms on template fallbacks, function errors and throttles would notify nobody",
			"set -c " + KeyAlarmTopicArn + "=arn:aws:sns:<region>:<account>:<topic>"})
	}
	return gaps
}

// guardProduction decides whether the stage is a production one and returns one message per
// setting it lacks, unless allowUnsafeProd waives them. It runs last: it reads SES and the topic.
func (c *Config) guardProduction(get func(key string) any, str func(key, def string) string) []string {
	var errs []string
	c.AllowUnsafeProd = parseBool(str, KeyAllowUnsafeProd, &errs)
	stages, serrs := parseStages(get(KeyProductionStages))
	errs = append(errs, serrs...)
	// Case-insensitive: "Prod" is a valid stage name and must not slip past the guard.
	for _, s := range append([]string{ProductionStage}, stages...) {
		c.Production = c.Production || strings.EqualFold(s, c.Stage)
	}
	if c.AllowUnsafeProd {
		return errs
	}
	for _, g := range c.productionGaps() {
		errs = append(errs, fmt.Sprintf("%s is required for production stage %q: %s; %s (or deploy anyway with -c %s=true)",
			g.key, c.Stage, g.risk, g.fix, KeyAllowUnsafeProd))
	}
	return errs
}

// Waivers lists what allowUnsafeProd lets this production stage go without, one line each. main
// prints them at every synth, so an override cannot pass unnoticed.
func (c Config) Waivers() []string {
	if !c.AllowUnsafeProd {
		return nil
	}
	var out []string
	for _, g := range c.productionGaps() {
		out = append(out, fmt.Sprintf("%s=true: production stage %q without %s: %s", KeyAllowUnsafeProd, c.Stage, g.key, g.risk))
	}
	return out
}

// parseStages reads KeyProductionStages. cdk.json gives a JSON list (["prod","live"]); the CLI's
// -c gives a string, so a comma-separated list (prod,live) and the JSON list as text both work,
// also with the quotes a shell has eaten ([prod,live], as `make synth CDK_ARGS=...` passes it).
func parseStages(v any) ([]string, []string) {
	list, lerrs := parseStringList(v, KeyProductionStages, "stage names", `["prod","live"] or prod,live`)
	if lerrs != nil {
		return nil, lerrs
	}
	var stages, errs []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !stageRe.MatchString(s) {
			errs = append(errs, fmt.Sprintf("%s: %q is not a stage name (letters, digits and '-', at most 32)", KeyProductionStages, s))
			continue
		}
		stages = append(stages, s)
	}
	return stages, errs
}

// parseStringList reads a list-valued key in the forms parseStages accepts; noun and example name
// what the list holds in its error messages. Entries are trimmed; empty ones are dropped.
func parseStringList(v any, key, noun, example string) ([]string, []string) {
	var list []string
	switch v := v.(type) {
	case nil:
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, []string{fmt.Sprintf("%s: want a list of %s, got an element of type %T", key, noun, e)}
			}
			list = append(list, s)
		}
	case string:
		text := strings.TrimSpace(v)
		switch {
		case !strings.HasPrefix(text, "["):
			list = strings.Split(text, ",")
		case json.Unmarshal([]byte(text), &list) == nil:
		case strings.HasSuffix(text, "]") && !strings.Contains(text, `"`):
			list = strings.Split(text[1:len(text)-1], ",")
		default:
			return nil, []string{fmt.Sprintf("%s %q: not a list of %s (want %s)", key, v, noun, example)}
		}
	default:
		return nil, []string{fmt.Sprintf("%s: want a list of %s (%s), got %T", key, noun, example, v)}
	}
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}
