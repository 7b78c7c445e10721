package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// encryptJS encrypts the last argument exactly as cognito-local's lib/services/crypto.js does, with
// the very modules cognito-local resolves (its own @aws-crypto/client-node and aws-sdk v2):
// REQUIRE_ENCRYPT_ALLOW_DECRYPT, a KMS keyring whose generator is the alias and whose extra key is
// the key ID. It prints the message in base64, the form Cognito puts into request.code.
const encryptJS = `
const from = { paths: [require("path").join(process.cwd(), "node_modules", "cognito-local")] };
const { buildClient, CommitmentPolicy, KmsKeyringNode } = require(require.resolve("@aws-crypto/client-node", from));
const { KMS } = require(require.resolve("aws-sdk", from));
const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const [endpoint, region, alias, keyArn, plaintext] = process.argv.slice(1); // node -e: no script path in argv
const keyring = new KmsKeyringNode({
  generatorKeyId: alias, keyIds: [keyArn],
  clientProvider: () => new KMS({ endpoint, region, credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
});
encrypt(keyring, plaintext).then(({ result }) => process.stdout.write(result.toString("base64")),
  (e) => { console.error(e.message); process.exit(1); });
`

// EncryptCode encrypts code under k the way cognito-local (and Cognito) hand it to a custom sender,
// with cognito-local's Node Encryption SDK from root's node_modules, and returns the message bytes.
func EncryptCode(ctx context.Context, root string, k *KMS, code string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "node", "-e", encryptJS, "--", k.Endpoint, Region, k.Alias, k.KeyArn, code)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("encrypt with @aws-crypto/client-node: %w: %s", err, stderr.String())
	}
	return base64.StdEncoding.DecodeString(strings.TrimSpace(string(out)))
}
