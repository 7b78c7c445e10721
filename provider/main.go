// Command provider is the CloudFormation custom resource behind the stack's existing-pool mode
// (-c userPoolId=…): built as its own "bootstrap", it attaches the trigger function to a user pool
// the stack does not own as its CustomMessage trigger, and restores the previous trigger on delete,
// carrying every other setting of the pool over (internal/poolattach).
//
// Resource properties: UserPoolId, FunctionArn, ReplaceExisting ("true" to replace a CustomMessage
// trigger that is not ours). The physical ID records the pool, the function and the trigger the pool
// had before, so that Delete knows what to put back.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"cognito-custom-message/internal/poolattach"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Error("load AWS configuration", "error", err.Error())
		os.Exit(1)
	}
	h := &Handler{API: cip.NewFromConfig(cfg), Log: log}
	lambda.Start(cfn.LambdaWrap(h.Handle))
}

// Handler serves the custom resource's Create, Update and Delete requests.
type Handler struct {
	API poolattach.API
	Log *slog.Logger
}

type properties struct {
	poolID, functionArn string
	replace             bool
}

func parse(p map[string]any) (properties, error) {
	str := func(k string) string { s, _ := p[k].(string); return strings.TrimSpace(s) }
	out := properties{poolID: str("UserPoolId"), functionArn: str("FunctionArn")}
	switch v := p["ReplaceExisting"].(type) {
	case bool:
		out.replace = v
	case string:
		out.replace = strings.EqualFold(v, "true")
	}
	if out.poolID == "" || out.functionArn == "" {
		return out, fmt.Errorf("UserPoolId and FunctionArn are required properties")
	}
	return out, nil
}

// Handle does what the request type asks. Returned errors become the FAILED reason CloudFormation
// shows; a failed create gets no physical ID of ours, so its rollback Delete changes nothing.
func (h *Handler) Handle(ctx context.Context, ev cfn.Event) (string, map[string]any, error) {
	if ev.RequestType == cfn.RequestDelete {
		st, ok := poolattach.ParsePhysicalID(ev.PhysicalResourceID)
		if !ok {
			h.Log.Info("delete: nothing was attached", "physical_id", ev.PhysicalResourceID)
			return ev.PhysicalResourceID, nil, nil
		}
		restored, err := poolattach.Detach(ctx, h.API, st)
		h.Log.Info("delete", "pool", st.PoolID, "restored", restored, "previous", st.Previous, "error", errText(err))
		return ev.PhysicalResourceID, nil, err
	}
	p, err := parse(ev.ResourceProperties)
	if err != nil {
		return "", nil, err
	}
	var prior *poolattach.State
	if ev.RequestType == cfn.RequestUpdate {
		if st, ok := poolattach.ParsePhysicalID(ev.PhysicalResourceID); ok && st.PoolID == p.poolID {
			prior = &st
		}
	}
	st, err := poolattach.Attach(ctx, h.API, p.poolID, p.functionArn, p.replace, prior)
	h.Log.Info(strings.ToLower(string(ev.RequestType)), "pool", p.poolID, "function", p.functionArn,
		"previous", st.Previous, "error", errText(err))
	if err != nil {
		if ev.RequestType == cfn.RequestUpdate {
			return ev.PhysicalResourceID, nil, err
		}
		return "", nil, err
	}
	return st.PhysicalID(), map[string]any{"PreviousCustomMessage": st.Previous}, nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
