package main

import (
	"fmt"
	"strconv"
	"strings"
)

// Context keys of the app client, as written in cdk.json and with -c.
const (
	KeyPasswordAuth       = "passwordAuth"
	KeyAccessTokenMinutes = "accessTokenValidityMinutes"
	KeyIDTokenMinutes     = "idTokenValidityMinutes"
	KeyRefreshTokenDays   = "refreshTokenValidityDays"
)

// Cognito's token lifetimes (UserPoolClient TokenValidityUnits): access and ID tokens 5 minutes to
// 1 day, refresh tokens 60 minutes to 10 years. The refresh key counts whole days, so its effective
// minimum is one day.
const (
	minTokenMinutes = 5
	maxTokenMinutes = 24 * 60
	minRefreshDays  = 1
	maxRefreshDays  = 3650
)

// ClientConfig is the sign-in configuration of the app client the stack creates.
type ClientConfig struct {
	// PasswordAuth adds ALLOW_USER_PASSWORD_AUTH to SRP. Off by default: with SRP the password never
	// leaves the client; but a user-migration trigger must see the password, so it needs this flow.
	PasswordAuth       bool
	AccessTokenMinutes int
	IDTokenMinutes     int
	RefreshTokenDays   int
}

// loadClient reads the app client's keys into c.Client and returns one message per problem.
func (c *Config) loadClient(str func(key, def string) string) []string {
	var errs []string
	c.Client.PasswordAuth = parseBool(str, KeyPasswordAuth, &errs)
	if c.Client.PasswordAuth && c.UserPoolID != "" {
		errs = append(errs, fmt.Sprintf("%s is set but so is %s: the stack creates no app client for an existing pool", KeyPasswordAuth, KeyUserPoolID))
	}
	minutes := func(key string) int {
		v := str(key, "60")
		n, err := strconv.Atoi(v)
		if err != nil || n < minTokenMinutes || n > maxTokenMinutes {
			errs = append(errs, fmt.Sprintf("%s %q: whole minutes from %d to %d (Cognito allows 5 minutes to 1 day)", key, v, minTokenMinutes, maxTokenMinutes))
			return 0
		}
		return n
	}
	c.Client.AccessTokenMinutes = minutes(KeyAccessTokenMinutes)
	c.Client.IDTokenMinutes = minutes(KeyIDTokenMinutes)
	v := str(KeyRefreshTokenDays, "30")
	days, err := strconv.Atoi(v)
	if err != nil || days < minRefreshDays || days > maxRefreshDays {
		errs = append(errs, fmt.Sprintf("%s %q: whole days from %d to %d (Cognito allows 60 minutes to 10 years)", KeyRefreshTokenDays, v, minRefreshDays, maxRefreshDays))
		return errs
	}
	c.Client.RefreshTokenDays = days
	// Cognito and CDK only require the refresh token to live no shorter than the access and ID
	// tokens; one that lives exactly as long expires with them and can never refresh anything.
	for _, t := range []struct {
		key     string
		minutes int
	}{{KeyAccessTokenMinutes, c.Client.AccessTokenMinutes}, {KeyIDTokenMinutes, c.Client.IDTokenMinutes}} {
		if t.minutes >= days*24*60 {
			errs = append(errs, fmt.Sprintf("%s %d (%d minutes) must be longer than %s %d: the refresh token would expire with the token it refreshes",
				KeyRefreshTokenDays, days, days*24*60, t.key, t.minutes))
		}
	}
	return errs
}

// parseBool reads a true/false key; cdk.json gives booleans, -c gives strings.
func parseBool(str func(key, def string) string, key string, errs *[]string) bool {
	switch v := str(key, "false"); strings.ToLower(v) {
	case "true":
		return true
	case "false", "":
		return false
	default:
		*errs = append(*errs, fmt.Sprintf("%s %q: true or false", key, v))
		return false
	}
}
