package awsfake

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// CloudFormation is a fake CloudFormation endpoint that answers DescribeStacks (AWS Query: a form
// POST, an XML answer) for the stacks it is told about. The zero value is not usable: call
// NewCloudFormation.
type CloudFormation struct {
	URL string

	srv    *httptest.Server
	mu     sync.Mutex
	status map[string]string // stack ID -> status
	calls  int
	fail   int
}

// NewCloudFormation starts a fake endpoint that knows no stacks. Close stops it.
func NewCloudFormation() *CloudFormation {
	f := &CloudFormation{status: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	return f
}

// Close stops the endpoint.
func (f *CloudFormation) Close() { f.srv.Close() }

// SetStatus records a stack's status (e.g. "DELETE_IN_PROGRESS") under its ID (the stack ARN).
func (f *CloudFormation) SetStatus(stackID, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status[stackID] = status
}

// FailNext makes the next n DescribeStacks calls answer with a throttling error.
func (f *CloudFormation) FailNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = n
}

// Calls reports how many DescribeStacks calls were answered.
func (f *CloudFormation) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// Client returns an SDK client that talks to the fake.
func (f *CloudFormation) Client() *cloudformation.Client {
	return cloudformation.NewFromConfig(aws.Config{
		Region:       "eu-central-1",
		Credentials:  credentials.NewStaticCredentialsProvider("fake", "fake", ""),
		BaseEndpoint: aws.String(f.URL),
	}, func(o *cloudformation.Options) { o.RetryMaxAttempts = 1 })
}

type cfnMember struct {
	StackID      string `xml:"StackId"`
	StackName    string `xml:"StackName"`
	StackStatus  string `xml:"StackStatus"`
	CreationTime string `xml:"CreationTime"`
}

type describeStacksResponse struct {
	XMLName xml.Name    `xml:"DescribeStacksResponse"`
	Stacks  []cfnMember `xml:"DescribeStacksResult>Stacks>member"`
}

type cfnError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
}

func (f *CloudFormation) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.PostForm.Get("Action") != "DescribeStacks" || r.PostForm.Get("Version") != "2010-05-15" {
		writeXML(w, http.StatusBadRequest, cfnError{Type: "Sender", Code: "InvalidAction", Message: "only DescribeStacks (AWS Query, 2010-05-15) is implemented"})
		return
	}
	name := r.PostForm.Get("StackName")
	f.mu.Lock()
	f.calls++
	fail := f.fail > 0
	if fail {
		f.fail--
	}
	status, ok := f.status[name]
	f.mu.Unlock()
	switch {
	case fail:
		writeXML(w, http.StatusBadRequest, cfnError{Type: "Sender", Code: "Throttling", Message: "Rate exceeded"})
	case !ok:
		writeXML(w, http.StatusBadRequest, cfnError{Type: "Sender", Code: "ValidationError", Message: "Stack with id " + name + " does not exist"})
	default:
		writeXML(w, http.StatusOK, describeStacksResponse{Stacks: []cfnMember{{
			StackID: name, StackName: "stack", StackStatus: status, CreationTime: "2026-11-26T00:00:00Z",
		}}})
	}
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, _ := xml.Marshal(v)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
