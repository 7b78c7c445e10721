package poolattach

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// API is the part of the Cognito client this package calls. Both calls must honour the per-call
// options: Describe and NewPlan add SDK middleware through them (the SDK's client does).
type API interface {
	DescribeUserPool(context.Context, *cip.DescribeUserPoolInput, ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error)
	UpdateUserPool(context.Context, *cip.UpdateUserPoolInput, ...func(*cip.Options)) (*cip.UpdateUserPoolOutput, error)
}

// Described is one DescribeUserPool answer: the SDK's decoding, and the JSON it was decoded from.
type Described struct {
	Pool *types.UserPoolType
	// Raw is the answer's "UserPool" object as Cognito sent it, numbers as json.Number: it holds
	// the fields the SDK does not know, which the decoded Pool silently lacks.
	Raw map[string]any
}

// ErrNotFound means the pool does not exist.
var ErrNotFound = errors.New("user pool not found")

// Describe calls DescribeUserPool and keeps the raw answer next to the decoded one.
func Describe(ctx context.Context, api API, poolID string) (*Described, error) {
	var raw []byte
	out, err := api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}, keepRawResponse(&raw))
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, fmt.Errorf("DescribeUserPool %s: %w", poolID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("DescribeUserPool %s: %w", poolID, err)
	}
	if out.UserPool == nil {
		return nil, fmt.Errorf("DescribeUserPool %s: no pool in the answer", poolID)
	}
	var doc struct {
		UserPool map[string]any
	}
	if err := decodeJSON(raw, &doc); err != nil || doc.UserPool == nil {
		return nil, fmt.Errorf("DescribeUserPool %s: cannot read the raw answer (%d bytes): %v", poolID, len(raw), err)
	}
	return &Described{Pool: out.UserPool, Raw: doc.UserPool}, nil
}

// keepRawResponse copies the body of a successful answer into dst before the SDK's deserializer
// reads it. Added at the end of the deserialize step, it sits between that deserializer and the
// transport.
func keepRawResponse(dst *[]byte) func(*cip.Options) {
	return func(o *cip.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc("poolattach.keepRawResponse",
				func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleDeserialize(ctx, in)
					if err != nil {
						return out, md, err
					}
					if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.StatusCode == 200 {
						b, rerr := io.ReadAll(resp.Body)
						_ = resp.Body.Close()
						if rerr != nil {
							return out, md, rerr
						}
						*dst = b
						resp.Body = io.NopCloser(bytes.NewReader(b))
					}
					return out, md, nil
				}), middleware.After)
		})
	}
}

// errDryRun stops a request after the SDK serialized it and before anything is sent.
var errDryRun = errors.New("poolattach: dry run")

// serialize returns the JSON body the SDK would send for in, without sending it: the build step
// ends the call before signing, retries and the transport.
func serialize(ctx context.Context, api API, in *cip.UpdateUserPoolInput) (map[string]any, error) {
	var body []byte
	_, err := api.UpdateUserPool(ctx, in, func(o *cip.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Build.Add(middleware.BuildMiddlewareFunc("poolattach.dryRun",
				func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
					req, ok := in.Request.(*smithyhttp.Request)
					if !ok {
						return middleware.BuildOutput{}, middleware.Metadata{}, fmt.Errorf("unexpected request type %T", in.Request)
					}
					if s := req.GetStream(); s != nil {
						b, err := io.ReadAll(s)
						if err != nil {
							return middleware.BuildOutput{}, middleware.Metadata{}, err
						}
						body = b
					}
					return middleware.BuildOutput{}, middleware.Metadata{}, errDryRun
				}), middleware.After)
		})
	})
	if !errors.Is(err, errDryRun) {
		return nil, fmt.Errorf("serializing the UpdateUserPool request: %v", err)
	}
	var doc map[string]any
	if err := decodeJSON(body, &doc); err != nil {
		return nil, fmt.Errorf("serializing the UpdateUserPool request: %v", err)
	}
	return doc, nil
}

func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}
