// Package makehelp holds help.awk, the script behind `make help`, and the test that keeps it
// honest: every variable a target's recipe takes from the person running make is listed, with its
// default, under that target.
package makehelp
