// Package testrun holds run.sh, the script behind `make test` that runs the offline tests in
// announced, timed stages, and the test of its stage handling.
package testrun
