// Command coldstart is `make coldstart`: it times our bootstrap and a bare aws-lambda-go bootstrap
// from exec to first reply behind a loopback Runtime API, in interleaved rounds (fresh processes,
// the order alternating), and prints both medians and the median of the paired ratios. It also
// prints the arm64 binary sizes. Exit status 1 when a target is missed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"cognito-custom-message/internal/lambdarie"
	"cognito-custom-message/internal/runtimeapi"
)

func main() {
	rounds := flag.Int("rounds", 41, "interleaved rounds (at least 31)")
	event := flag.String("event", "events/verify-user-attribute-email-de.json", "the event each process answers")
	maxRatio := flag.Float64("max-ratio", 1.25, "target: median paired ratio, ours / bare")
	maxSize := flag.Float64("max-size-ratio", 1.5, "target: arm64 binary size, ours / bare")
	flag.StringVar(&oursPkg, "ours", "./handler", "the package measured against the bare bootstrap")
	flag.Parse()
	if err := run(*rounds, *event, *maxRatio, *maxSize); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

var oursPkg string

func build(dir, name, pkg, goarch string) (string, error) {
	out := filepath.Join(dir, goarch, name)
	return out, lambdarie.Build(context.Background(), ".", pkg, out, goarch)
}

func run(rounds int, eventFile string, maxRatio, maxSize float64) error {
	if rounds < 31 {
		return fmt.Errorf("-rounds %d: at least 31", rounds)
	}
	event, err := os.ReadFile(eventFile)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "coldstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bins := map[string]string{}
	for _, b := range []struct{ name, pkg, arch string }{
		{"ours", oursPkg, "arm64"}, {"bare", "./tools/bare", "arm64"},
		{"ours", oursPkg, hostArch()}, {"bare", "./tools/bare", hostArch()},
	} {
		p, err := build(dir, b.name, b.pkg, b.arch)
		if err != nil {
			return err
		}
		bins[b.arch+"/"+b.name] = p
	}
	oursSize, bareSize := size(bins["arm64/ours"]), size(bins["arm64/bare"])
	sizeRatio := float64(oursSize) / float64(bareSize)
	fmt.Printf("arm64 bootstrap: ours %d bytes (%.2f MB), bare %d bytes (%.2f MB), ratio %.2fx (target <= %.2fx)\n",
		oursSize, mb(oursSize), bareSize, mb(bareSize), sizeRatio, maxSize)

	api, err := runtimeapi.Start()
	if err != nil {
		return err
	}
	defer api.Close()
	env := append(os.Environ(), "AWS_LAMBDA_RUNTIME_API="+api.Addr, "APP_NAME=Example", "DEFAULT_LOCALE=en",
		"AWS_LAMBDA_FUNCTION_NAME=cognito-custom-message", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128")
	ours, bare := bins[hostArch()+"/ours"], bins[hostArch()+"/bare"]
	// Warm the page cache and the runtime API once for each, unmeasured.
	for _, b := range []string{ours, bare} {
		if _, err := coldStart(api, b, env, event); err != nil {
			return err
		}
	}
	var oursT, bareT, ratios []float64
	for i := 0; i < rounds; i++ {
		order := []string{ours, bare}
		if i%2 == 1 {
			order = []string{bare, ours}
		}
		got := map[string]float64{}
		for _, b := range order {
			d, err := coldStart(api, b, env, event)
			if err != nil {
				return err
			}
			got[b] = d
		}
		oursT, bareT = append(oursT, got[ours]), append(bareT, got[bare])
		ratios = append(ratios, got[ours]/got[bare])
	}
	ratio := median(ratios)
	fmt.Printf("cold start, exec to first reply, %d interleaved rounds on %s:\n", rounds, hostArch())
	fmt.Printf("  ours  median %.2f ms (min %.2f, max %.2f)\n", median(oursT), slices.Min(oursT), slices.Max(oursT))
	fmt.Printf("  bare  median %.2f ms (min %.2f, max %.2f)\n", median(bareT), slices.Min(bareT), slices.Max(bareT))
	fmt.Printf("  median of paired ratios %.3fx (target <= %.2fx)\n", ratio, maxRatio)
	if ratio > maxRatio || sizeRatio > maxSize {
		return fmt.Errorf("target missed")
	}
	return nil
}

// coldStart execs bin, hands it event and returns the milliseconds until its reply.
func coldStart(api *runtimeapi.Server, bin string, env []string, event []byte) (float64, error) {
	cmd := exec.Command(bin)
	cmd.Env = env
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	r, err := api.Invoke(event, 10*time.Second)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", bin, err)
	}
	return float64(r.At.Sub(start).Microseconds()) / 1000, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func size(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func mb(n int64) float64 { return float64(n) / 1e6 }

func hostArch() string {
	if a := os.Getenv("GOHOSTARCH"); a != "" {
		return a
	}
	out, err := exec.Command("go", "env", "GOHOSTARCH").Output()
	if err != nil {
		return "amd64"
	}
	return string(out[:len(out)-1])
}
