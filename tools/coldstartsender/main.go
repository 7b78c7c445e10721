// Command coldstartsender is `make coldstart-sender`: it times the custom sender (./sender) from
// exec to first reply behind a loopback Runtime API, for an event whose first invocation makes one
// KMS Decrypt (through the Encryption SDK) against local-kms and one SES v2 SendEmail against
// aws-ses-v2-local, next to
//
//   - floor: the least Go sender doing the same two calls (tools/coldstartsender/floor), and
//   - node: a Node.js sender written like AWS's sample (@aws-crypto/client-node + @aws-sdk/client-sesv2,
//     tools/coldstartsender/node) run by the leanest Runtime API loop (node/bootstrap.js), so that
//     Node pays its own start, module loading and the two calls, and nothing of the managed runtime.
//
// Rounds are interleaved (fresh processes, the order rotating each round). It prints each median and
// the medians of the paired ratios, and checks that the emulator received one mail per invocation
// (so every timed reply included a real send). Exit status 1 when a target is missed, or when the
// sender is not there to measure.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"cognito-custom-message/internal/e2e"
	"cognito-custom-message/internal/lambdarie"
	"cognito-custom-message/internal/runtimeapi"
)

func main() {
	rounds := flag.Int("rounds", 31, "interleaved rounds (at least 11)")
	event := flag.String("event", "events/sender/custom-email-sender-sign-up-de.json", "the sender event (its request.code is replaced by a code encrypted at run time)")
	ours := flag.String("ours", "./sender", "the sender's package")
	maxFloor := flag.Float64("max-floor-ratio", 1.2, "target: median paired ratio, ours / floor")
	minNode := flag.Float64("min-node-ratio", 5, "target: median paired ratio, node / ours")
	verbose := flag.Bool("v", false, "show the emulators' and functions' output")
	flag.Parse()
	if err := run(*rounds, *event, *ours, *maxFloor, *minNode, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart-sender:", err)
		os.Exit(1)
	}
}

type contestant struct {
	name string
	argv []string
	ms   []float64
}

func run(rounds int, eventFile, oursPkg string, maxFloor, minNode float64, verbose bool) error {
	if rounds < 11 {
		return fmt.Errorf("-rounds %d: at least 11", rounds)
	}
	ctx := context.Background()
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	var log io.Writer = io.Discard
	if verbose {
		log = os.Stderr
	}
	dir, err := os.MkdirTemp("", "coldstart-sender-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	var cs []*contestant
	haveOurs := true
	if _, err := os.Stat(filepath.Join(root, oursPkg)); err != nil {
		haveOurs = false
		fmt.Printf("ours: %s is not there; measuring floor and node only\n", oursPkg)
	} else {
		bin := filepath.Join(dir, "ours")
		if err := lambdarie.Build(ctx, root, oursPkg, bin, ""); err != nil {
			return err
		}
		cs = append(cs, &contestant{name: "ours", argv: []string{bin}})
	}
	floor := filepath.Join(dir, "floor")
	if err := lambdarie.Build(ctx, root, "./tools/coldstartsender/floor", floor, ""); err != nil {
		return err
	}
	cs = append(cs, &contestant{name: "floor", argv: []string{floor}},
		&contestant{name: "node", argv: []string{"node", filepath.Join(root, "tools", "coldstartsender", "node", "bootstrap.js")}})

	kms, err := e2e.StartKMS(ctx, log)
	if err != nil {
		return err
	}
	defer kms.Stop()
	ses, err := e2e.StartSES(ctx, root, log)
	if err != nil {
		return err
	}
	defer ses.Stop()
	event, err := sampleEvent(ctx, root, kms, eventFile)
	if err != nil {
		return err
	}
	api, err := runtimeapi.Start()
	if err != nil {
		return err
	}
	defer api.Close()
	env := append(append(os.Environ(), e2e.SenderEnv(kms, ses)...),
		"AWS_LAMBDA_RUNTIME_API="+api.Addr, "AWS_LAMBDA_FUNCTION_NAME=cognito-custom-sender",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128", "EMAIL_FROM=My App <no-reply@example.com>",
		"APP_NAME=My App", "DEFAULT_LOCALE=en", "AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1",
		"NODE_NO_WARNINGS=1")

	invocations := 0
	// Warm the page cache, the emulators and node's compile cache once for each, unmeasured.
	for _, c := range cs {
		if _, err := coldStart(api, c.argv, env, event, log); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		invocations++
	}
	for i := 0; i < rounds; i++ {
		order := slices.Clone(cs)
		for r := 0; r < i%len(cs); r++ { // rotate: each one goes first as often as the others
			order = append(order[1:], order[0])
		}
		for _, c := range order {
			d, err := coldStart(api, c.argv, env, event, log)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			c.ms = append(c.ms, d)
			invocations++
		}
	}
	mails, err := ses.Emails(ctx)
	if err != nil {
		return err
	}
	if len(mails) != invocations {
		return fmt.Errorf("the SES emulator received %d mails for %d invocations", len(mails), invocations)
	}
	fmt.Printf("sender cold start, exec to first reply (one ESDK/KMS decrypt + one SES v2 send against local-kms and aws-ses-v2-local), %d interleaved rounds, %d mails received:\n", rounds, len(mails))
	by := map[string]*contestant{}
	for _, c := range cs {
		by[c.name] = c
		fmt.Printf("  %-5s median %7.2f ms (min %.2f, max %.2f)\n", c.name, median(c.ms), slices.Min(c.ms), slices.Max(c.ms))
	}
	fmt.Printf("  node / floor: median of paired ratios %.2fx\n", pairedMedian(by["node"].ms, by["floor"].ms))
	if !haveOurs {
		return fmt.Errorf("the sender (%s) was not measured", oursPkg)
	}
	floorRatio := pairedMedian(by["ours"].ms, by["floor"].ms)
	nodeRatio := pairedMedian(by["node"].ms, by["ours"].ms)
	fmt.Printf("  ours / floor: median of paired ratios %.3fx (target <= %.2fx)\n", floorRatio, maxFloor)
	fmt.Printf("  node / ours:  median of paired ratios %.2fx (target >= %.2fx)\n", nodeRatio, minNode)
	if floorRatio > maxFloor || nodeRatio < minNode {
		return fmt.Errorf("target missed")
	}
	return nil
}

// sampleEvent reads the sample and puts a fresh code, encrypted under kms the way Cognito does it,
// into request.code.
func sampleEvent(ctx context.Context, root string, kms *e2e.KMS, file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	ct, err := e2e.EncryptCode(ctx, root, kms, "482913")
	if err != nil {
		return nil, err
	}
	const placeholder = `"ENCRYPTED_AT_RUN_TIME"`
	if !bytes.Contains(b, []byte(placeholder)) {
		return nil, fmt.Errorf("%s: no request.code %s to replace", file, placeholder)
	}
	return bytes.Replace(b, []byte(placeholder), []byte(`"`+base64.StdEncoding.EncodeToString(ct)+`"`), 1), nil
}

// coldStart execs argv, hands it event and returns the milliseconds until its reply.
func coldStart(api *runtimeapi.Server, argv, env []string, event []byte, log io.Writer) (float64, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = log, log
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	r, err := api.Invoke(event, 20*time.Second)
	if err != nil {
		return 0, err
	}
	return float64(r.At.Sub(start).Microseconds()) / 1000, nil
}

func pairedMedian(num, den []float64) float64 {
	r := make([]float64, len(num))
	for i := range num {
		r[i] = num[i] / den[i]
	}
	return median(r)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	n := len(s)
	return (s[n/2-1] + s[n/2]) / 2
}
