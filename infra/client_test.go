package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestClientConfig(t *testing.T) {
	cases := []struct {
		name    string
		context map[string]any
		want    ClientConfig
	}{
		{"defaults: SRP only, Cognito's usual lifetimes", nil, ClientConfig{AccessTokenMinutes: 60, IDTokenMinutes: 60, RefreshTokenDays: 30}},
		{"from cdk.json: numbers and booleans", map[string]any{KeyPasswordAuth: true, KeyAccessTokenMinutes: float64(15), KeyIDTokenMinutes: float64(30), KeyRefreshTokenDays: float64(7)},
			ClientConfig{PasswordAuth: true, AccessTokenMinutes: 15, IDTokenMinutes: 30, RefreshTokenDays: 7}},
		{"from -c: strings", map[string]any{KeyPasswordAuth: "TRUE", KeyAccessTokenMinutes: "5", KeyIDTokenMinutes: "1440", KeyRefreshTokenDays: "3650"},
			ClientConfig{PasswordAuth: true, AccessTokenMinutes: 5, IDTokenMinutes: 1440, RefreshTokenDays: 3650}},
		{"shortest refresh, tokens a minute shorter", map[string]any{KeyAccessTokenMinutes: "1439", KeyIDTokenMinutes: "1439", KeyRefreshTokenDays: "1"},
			ClientConfig{AccessTokenMinutes: 1439, IDTokenMinutes: 1439, RefreshTokenDays: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(ctx(c.context))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.Client, c.want) {
				t.Errorf("got %+v; want %+v", cfg.Client, c.want)
			}
		})
	}
}

func TestClientConfigErrors(t *testing.T) {
	cases := []struct {
		name    string
		context map[string]any
		want    string
	}{
		{"access token too short", map[string]any{KeyAccessTokenMinutes: "4"}, `accessTokenValidityMinutes "4": whole minutes from 5 to 1440 (Cognito allows 5 minutes to 1 day)`},
		{"access token too long", map[string]any{KeyAccessTokenMinutes: float64(1441)}, `accessTokenValidityMinutes "1441": whole minutes from 5 to 1440`},
		{"access token not a number", map[string]any{KeyAccessTokenMinutes: "1h"}, `accessTokenValidityMinutes "1h"`},
		{"access token fractional", map[string]any{KeyAccessTokenMinutes: float64(60.5)}, `accessTokenValidityMinutes "60.5"`},
		{"ID token too short", map[string]any{KeyIDTokenMinutes: "0"}, `idTokenValidityMinutes "0": whole minutes from 5 to 1440`},
		{"refresh token too short", map[string]any{KeyRefreshTokenDays: "0"}, `refreshTokenValidityDays "0": whole days from 1 to 3650 (Cognito allows 60 minutes to 10 years)`},
		{"refresh token too long", map[string]any{KeyRefreshTokenDays: "3651"}, `refreshTokenValidityDays "3651": whole days from 1 to 3650`},
		{"refresh token as long as the access token", map[string]any{KeyRefreshTokenDays: "1", KeyAccessTokenMinutes: "1440"},
			"refreshTokenValidityDays 1 (1440 minutes) must be longer than accessTokenValidityMinutes 1440"},
		{"refresh token as long as the ID token", map[string]any{KeyRefreshTokenDays: "1", KeyIDTokenMinutes: "1440"},
			"refreshTokenValidityDays 1 (1440 minutes) must be longer than idTokenValidityMinutes 1440"},
		{"passwordAuth not a boolean", map[string]any{KeyPasswordAuth: "yes"}, `passwordAuth "yes": true or false`},
		{"passwordAuth with an existing pool", map[string]any{KeyPasswordAuth: "true", KeyUserPoolID: "eu-west-1_Abc"}, "passwordAuth is set but so is userPoolId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadConfig(ctx(c.context))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v; want it to contain %q", err, c.want)
			}
		})
	}
}
