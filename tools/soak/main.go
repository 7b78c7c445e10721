// Command soak is `make soak`: it runs 10,000 invocations through one bootstrap process behind a
// loopback Runtime API, cycling through events/*.json, and samples the process's resident memory.
// Targets: under 30 MiB throughout, and no growth after warm-up. Exit status 1 when missed.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"cognito-custom-message/internal/lambdarie"
	"cognito-custom-message/internal/runtimeapi"
)

func main() {
	n := flag.Int("n", 10000, "invocations")
	maxMiB := flag.Float64("max-rss-mib", 30, "target: resident memory ceiling")
	maxGrowth := flag.Float64("max-growth-mib", 1, "target: growth from the first sample after warm-up to the last")
	flag.Parse()
	if err := run(*n, *maxMiB, *maxGrowth); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(n int, maxMiB, maxGrowth float64) error {
	files, err := filepath.Glob("events/*.json")
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no events: %v", err)
	}
	var events [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		events = append(events, b)
	}
	dir, err := os.MkdirTemp("", "soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bootstrap")
	if err := lambdarie.Build(context.Background(), ".", "./handler", bin, ""); err != nil {
		return err
	}
	api, err := runtimeapi.Start()
	if err != nil {
		return err
	}
	defer api.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API="+api.Addr, "APP_NAME=Example", "DEFAULT_LOCALE=en")
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	start := time.Now()
	var samples []float64
	var peak float64
	fmt.Printf("%8s %10s %10s\n", "invokes", "RSS MiB", "peak MiB")
	for i := 1; i <= n; i++ {
		if _, err := api.Invoke(events[i%len(events)], 10*time.Second); err != nil {
			return fmt.Errorf("invocation %d: %w", i, err)
		}
		if i%1000 == 0 {
			rss, hwm, err := memory(cmd.Process.Pid)
			if err != nil {
				return err
			}
			samples = append(samples, rss)
			peak = max(peak, hwm)
			fmt.Printf("%8d %10.2f %10.2f\n", i, rss, hwm)
		}
	}
	elapsed := time.Since(start)
	growth := samples[len(samples)-1] - samples[min(1, len(samples)-1)]
	fmt.Printf("%d invocations in %.2fs (%.0f/s, %d distinct events); peak RSS %.2f MiB (target < %.0f); growth after warm-up %+.2f MiB (target <= %.1f)\n",
		n, elapsed.Seconds(), float64(n)/elapsed.Seconds(), len(events), peak, maxMiB, growth, maxGrowth)
	if peak >= maxMiB || growth > maxGrowth {
		return fmt.Errorf("target missed")
	}
	return nil
}

// memory reads VmRSS and VmHWM (peak) of a process, in MiB.
func memory(pid int) (rss, hwm float64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm, sc.Err()
}
