package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"cognito-custom-message/templates"
)

// Context keys of brands (README "Brands").
const (
	KeyBrandsDir              = "brandsDir"
	KeyBrandClients           = "brandClients"
	KeyAllowBrandFromMetadata = "allowBrandFromMetadata"
)

// BrandsConfig is what the stack knows of brands: the folders it validated (the function must have
// been built from the same ones: build/brands.stamp says), client IDs mapped at deploy time, and
// whether clientMetadata.brand may choose among them.
type BrandsConfig struct {
	Dir          string
	Brands       []*templates.Brand
	Clients      map[string]string // app client ID -> brand name, from -c brandClients
	FromMetadata bool
}

// Names lists the brands, sorted.
func (b BrandsConfig) Names() []string {
	var out []string
	for _, br := range b.Brands {
		out = append(out, br.Name)
	}
	return out
}

// loadBrands reads the brand keys; the brands folder defaults to BRANDS_DIR (what `make` compiled
// in), else brands/. Every problem is one message naming the key, or the brand file and key.
func (c *Config) loadBrands(get func(string) any, str func(key, def string) string) []string {
	var errs []string
	def := os.Getenv("BRANDS_DIR")
	named := def != "" || get(KeyBrandsDir) != nil
	if def == "" {
		def = "brands"
	}
	c.Brands.Dir = str(KeyBrandsDir, def)
	c.Brands.FromMetadata = parseBool(str, KeyAllowBrandFromMetadata, &errs)
	if st, err := os.Stat(c.Brands.Dir); named && (err != nil || !st.IsDir()) {
		// Only the default folder may be missing: deploying without the brands a named folder was
		// meant to hold would delete their app clients and send their users the unbranded mail.
		return append(errs, fmt.Sprintf("%s %q is not a folder", KeyBrandsDir, c.Brands.Dir))
	}
	brands, err := c.brandsFor(c.Brands.Dir)
	if err != nil {
		return append(errs, fmt.Sprintf("%s %q: %v", KeyBrandsDir, c.Brands.Dir, err))
	}
	c.Brands.Brands = brands
	names := c.Brands.Names()

	switch v := get(KeyBrandClients).(type) {
	case nil:
	case string:
		if strings.TrimSpace(v) != "" {
			var m map[string]string
			if err := json.Unmarshal([]byte(v), &m); err != nil {
				errs = append(errs, fmt.Sprintf(`%s: want a JSON object {"<clientId>":"<brand>"}: %v`, KeyBrandClients, err))
			}
			c.Brands.Clients = m
		}
	case map[string]any:
		c.Brands.Clients = map[string]string{}
		for id, name := range v {
			s, ok := name.(string)
			if !ok {
				errs = append(errs, fmt.Sprintf("%s %q: the brand must be a string", KeyBrandClients, id))
			}
			c.Brands.Clients[id] = s
		}
	default:
		errs = append(errs, fmt.Sprintf(`%s: want a JSON object {"<clientId>":"<brand>"}, got %T`, KeyBrandClients, v))
	}
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for k := range c.Brands.Clients {
			if !yield(k) {
				return
			}
		}
	}) {
		name := c.Brands.Clients[id]
		if !templates.ValidClientID(id) {
			errs = append(errs, fmt.Sprintf("%s: %q is not an app client ID", KeyBrandClients, id))
		}
		if !slices.Contains(names, name) {
			errs = append(errs, fmt.Sprintf("%s: client %s maps to %q, which is not a brand in %s (have: %s)", KeyBrandClients, id, name, c.Brands.Dir, strings.Join(names, ", ")))
		}
		for _, b := range brands {
			if b.Name != name && slices.Contains(b.Config.ClientIDs, id) {
				errs = append(errs, fmt.Sprintf("%s: client %s maps to %q, but %s/%s/%s gives it to %q", KeyBrandClients, id, name, c.Brands.Dir, b.Name, templates.BrandFile, b.Name))
			}
		}
	}
	if c.Brands.FromMetadata && len(brands) == 0 {
		errs = append(errs, fmt.Sprintf("%s is set but %s %q holds no brands", KeyAllowBrandFromMetadata, KeyBrandsDir, c.Brands.Dir))
	}
	return append(errs, c.checkBuiltBrands()...)
}

// brandsFor reads the brands in dir over the shipped templates.
func (c *Config) brandsFor(dir string) ([]*templates.Brand, error) {
	return templates.LoadBrands(os.DirFS(dir), templates.Files())
}

// checkBuiltBrands compares the brands validated here with the ones compiled into the function
// (build/brands.stamp, next to the asset folder): deploying clients mapped to brands the binary
// lacks would send them the default brand without a word.
func (c *Config) checkBuiltBrands() []string {
	stamp := filepath.Join(filepath.Dir(filepath.Clean(c.AssetDir)), "brands.stamp")
	raw, err := os.ReadFile(stamp)
	if err != nil {
		return nil // a bootstrap built some other way; NewCustomMessageStack checks it exists
	}
	var built templates.BrandManifest
	if err := json.Unmarshal(raw, &built); err != nil {
		return []string{fmt.Sprintf("%s: %v", stamp, err)}
	}
	want, err := brandDigest(c.Brands.Brands)
	if err != nil {
		return []string{err.Error()}
	}
	if built.Digest == want.Digest && len(built.Brands) == len(want.Brands) {
		return nil
	}
	var have []string
	for _, b := range built.Brands {
		have = append(have, b.Name)
	}
	return []string{fmt.Sprintf("%s %q has brands [%s], but the function in %s was built with [%s] from %q: deploy with `make deploy BRANDS_DIR=%s` (it builds and deploys with the same folder), or `make build BRANDS_DIR=%[6]s` before running cdk yourself",
		KeyBrandsDir, c.Brands.Dir, strings.Join(c.Brands.Names(), ", "), c.AssetDir, strings.Join(have, ", "), built.Dir, c.Brands.Dir)}
}

// brandDigest compiles the brands as genmessages does, for the stamp's digest.
func brandDigest(brands []*templates.Brand) (templates.BrandManifest, error) {
	if len(brands) == 0 {
		return templates.BrandManifest{}, nil
	}
	compiled, err := templates.CompileBrands(brands)
	if err != nil {
		return templates.BrandManifest{}, err
	}
	src, err := templates.GenerateBrandsGo(compiled)
	if err != nil {
		return templates.BrandManifest{}, err
	}
	return templates.NewBrandManifest("", brands, src), nil
}

// FunctionNameFor is the trigger's fixed name on a stack-created pool (wireTriggerByName): the stack
// name and a suffix, within Lambda's 64 characters; a longer stack name is cut and made unique again
// with a hash of the whole, so two stacks that share a long prefix never share a function name.
func FunctionNameFor(stackName string) string {
	const suffix, max = "-CustomMessage", 64
	if len(stackName)+len(suffix) <= max {
		return stackName + suffix
	}
	sum := sha256.Sum256([]byte(stackName))
	hash := hex.EncodeToString(sum[:4])
	return stackName[:max-len(suffix)-len(hash)-1] + "-" + hash + suffix
}

// brandClientPairs is BRAND_CLIENTS: "clientId=brand,…", sorted, from -c brandClients and the
// clients the stack creates (their IDs are tokens CloudFormation joins in at deploy time).
func brandClientPairs(fixed map[string]string, created map[string]*string) *string {
	var pairs []string
	for id, name := range fixed {
		pairs = append(pairs, id+"="+name)
	}
	sort.Strings(pairs)
	names := make([]string, 0, len(created))
	for name := range created {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		pairs = append(pairs, *created[name]+"="+name)
	}
	if len(pairs) == 0 {
		return nil
	}
	return jsii.String(strings.Join(pairs, ","))
}

// addBrandClients creates one app client per brand on a stack-created pool, named after the brand,
// with the same sign-in settings as the default client, and outputs their IDs.
func (s *CustomMessageStack) addBrandClients(stack awscdk.Stack, cfg Config) map[string]*string {
	ids := map[string]*string{}
	for _, b := range cfg.Brands.Brands {
		opts := clientOptions(cfg)
		opts.UserPoolClientName = jsii.String(b.Name)
		client := s.UserPool.AddClient(jsii.String("BrandClient-"+b.Name), opts)
		// Its ID is built into an app: a deploy that drops the brand (or forgets the brands folder)
		// must not delete the client and lock that app out for good.
		client.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN)
		ids[b.Name] = client.UserPoolClientId()
		awscdk.NewCfnOutput(stack, jsii.String("BrandClient"+outputName(b.Name)), &awscdk.CfnOutputProps{
			Value:       client.UserPoolClientId(),
			Description: jsii.String(fmt.Sprintf("App client of brand %s (%s): its messages use that brand", b.Name, b.Config.AppName)),
		})
	}
	return ids
}

// wireTriggerByName makes the pool call the function by its fixed name rather than by reference.
//
// Why: with brands, the function's BRAND_CLIENTS names the brand clients' IDs, which exist only once
// the pool does; a pool whose LambdaConfig referred to the function would need the function first —
// a cycle (function → client → pool → function). Without brands it is wired the same way, so that
// adding brands later changes the function's environment only. An ARN built from the fixed name, the region and the
// account refers to nothing in the template, so CloudFormation creates pool, clients, then the
// function, with no call at invocation time. It stays sound: a later update of the pool sends the
// same ARN (the trigger is kept); an update of the function keeps its name and so its ARN; and a
// change that would replace the function fails the deployment (a named resource cannot be replaced
// in place) rather than leave the pool pointing at a deleted one. The invoke permission is added
// here, scoped to the pool, as LambdaTriggers would have.
func (s *CustomMessageStack) wireTriggerByName(stack awscdk.Stack, cfg Config) {
	arn := awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"+FunctionNameFor(cfg.StackName)), nil)
	pool := s.UserPool.Node().DefaultChild().(awscognito.CfnUserPool)
	pool.AddPropertyOverride(jsii.String("LambdaConfig.CustomMessage"), arn)
	s.Function.AddPermission(jsii.String("CognitoInvoke"), &awslambda.Permission{
		Principal:     awsiam.NewServicePrincipal(jsii.String("cognito-idp.amazonaws.com"), nil),
		Action:        jsii.String("lambda:InvokeFunction"),
		SourceArn:     s.UserPool.UserPoolArn(),
		SourceAccount: stack.Account(),
	})
}

// outputName turns a brand name into CloudFormation's alphanumeric logical IDs.
func outputName(brand string) string {
	var b strings.Builder
	up := true
	for _, r := range brand {
		if r == '-' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

// functionEnvironment is the trigger's configuration (handler/main.go reads it).
func functionEnvironment(cfg Config) *map[string]*string {
	env := map[string]*string{
		"DEFAULT_LOCALE": jsii.String(cfg.DefaultLocale),
		"APP_NAME":       jsii.String(cfg.AppName),
	}
	if cfg.Brands.FromMetadata {
		env["ALLOW_BRAND_FROM_METADATA"] = jsii.String("true")
	}
	if cfg.RememberLocale {
		env["REMEMBER_LOCALE"] = jsii.String("true")
	}
	return &env
}

// fixedFunctionName is set where the pool calls the function by name (wireTriggerByName): on the
// pool the stack creates, with brands or without, so that adding or removing brands later never
// replaces the function nor rewires the pool.
func fixedFunctionName(cfg Config) *string {
	if cfg.UserPoolID == "" {
		return jsii.String(FunctionNameFor(cfg.StackName))
	}
	return nil
}
