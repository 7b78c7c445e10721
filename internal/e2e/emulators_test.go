package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	mpl "github.com/aws/aws-cryptographic-material-providers-library/releases/go/mpl/awscryptographymaterialproviderssmithygenerated"
	mpltypes "github.com/aws/aws-cryptographic-material-providers-library/releases/go/mpl/awscryptographymaterialproviderssmithygeneratedtypes"
	esdk "github.com/aws/aws-encryption-sdk/releases/go/encryption-sdk/awscryptographyencryptionsdksmithygenerated"
	esdktypes "github.com/aws/aws-encryption-sdk/releases/go/encryption-sdk/awscryptographyencryptionsdksmithygeneratedtypes"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func awsConfig() aws.Config {
	return aws.Config{Region: Region, Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")}
}

// keyring is a KMS keyring strict to arn, the way a sender decrypts Cognito's codes.
func keyring(t *testing.T, ctx context.Context, k *KMS, arn string) mpltypes.IKeyring {
	t.Helper()
	client := kms.NewFromConfig(awsConfig(), func(o *kms.Options) { o.BaseEndpoint = aws.String(k.Endpoint) })
	providers, err := mpl.NewClient(mpltypes.MaterialProvidersConfig{})
	if err != nil {
		t.Fatal(err)
	}
	kr, err := providers.CreateAwsKmsKeyring(ctx, mpltypes.CreateAwsKmsKeyringInput{KmsClient: client, KmsKeyId: arn})
	if err != nil {
		t.Fatalf("CreateAwsKmsKeyring(%s): %v", arn, err)
	}
	return kr
}

// TestKMSEncryptionSDKRoundTrip: an Encryption SDK message made against local-kms's seeded key
// decrypts with a keyring strict to that key, and not with one strict to another key.
func TestKMSEncryptionSDKRoundTrip(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k, err := StartKMS(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Stop()
	client, err := esdk.NewClient(esdktypes.AwsEncryptionSdkConfig{})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := client.Encrypt(ctx, esdktypes.EncryptInput{Plaintext: []byte("482913"), Keyring: keyring(t, ctx, k, k.KeyArn)})
	if err != nil {
		t.Fatalf("Encrypt: %v\nlocal-kms:\n%s", err, k.Log())
	}
	if bytes.Contains(enc.Ciphertext, []byte("482913")) {
		t.Fatal("the ciphertext contains the plaintext")
	}
	dec, err := client.Decrypt(ctx, esdktypes.DecryptInput{Ciphertext: enc.Ciphertext, Keyring: keyring(t, ctx, k, k.KeyArn)})
	if err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	if string(dec.Plaintext) != "482913" {
		t.Fatalf("Decrypt = %q; want 482913", dec.Plaintext)
	}
	other := "arn:aws:kms:" + Region + ":" + Account + ":key/00000000-0000-4000-8000-000000000000"
	if _, err := client.Decrypt(ctx, esdktypes.DecryptInput{Ciphertext: enc.Ciphertext, Keyring: keyring(t, ctx, k, other)}); err == nil {
		t.Fatal("a keyring strict to another key decrypted the message")
	}
}

// TestNodeEncryptsLikeCognitoLocal: a code encrypted the way cognito-local does it (Node's
// @aws-crypto/client-node, generator = the alias, plus the key ID) decrypts in Go with a keyring
// strict to the key's ARN, which is what the sender does with cognito-local's events.
func TestNodeEncryptsLikeCognitoLocal(t *testing.T) {
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "node_modules", "cognito-local")); err != nil {
		t.Skip("node_modules has no cognito-local (run `npm ci`)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k, err := StartKMS(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Stop()
	ciphertext, err := EncryptCode(ctx, root, k, "731904")
	if err != nil {
		t.Fatal(err)
	}
	client, err := esdk.NewClient(esdktypes.AwsEncryptionSdkConfig{})
	if err != nil {
		t.Fatal(err)
	}
	dec, err := client.Decrypt(ctx, esdktypes.DecryptInput{Ciphertext: ciphertext, Keyring: keyring(t, ctx, k, k.KeyArn)})
	if err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	if string(dec.Plaintext) != "731904" {
		t.Fatalf("Decrypt = %q; want 731904", dec.Plaintext)
	}
}

// TestSESStoreStopStart: SendEmail lands in the store with both parts; with the emulator
// stopped it fails; started again, it works on the same endpoint.
func TestSESStoreStopStart(t *testing.T) {
	root := repoRoot(t)
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("no node on PATH")
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "aws-ses-v2-local")); err != nil {
		t.Skip("node_modules has no aws-ses-v2-local (run `npm ci`)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := StartSES(ctx, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	client := sesv2.NewFromConfig(awsConfig(), func(o *sesv2.Options) {
		o.BaseEndpoint = aws.String(s.Endpoint)
		o.RetryMaxAttempts = 1
	})
	send := func() error {
		_, err := client.SendEmail(ctx, &sesv2.SendEmailInput{
			FromEmailAddress: aws.String("Acme <no-reply@acme.example>"),
			Destination:      &sestypes.Destination{ToAddresses: []string{"user@example.com"}},
			Content: &sestypes.EmailContent{Simple: &sestypes.Message{
				Subject: &sestypes.Content{Data: aws.String("Ihr Code")},
				Body: &sestypes.Body{
					Html: &sestypes.Content{Data: aws.String("<p>Code 123456</p>")},
					Text: &sestypes.Content{Data: aws.String("Code 123456")},
				},
			}},
		})
		return err
	}
	if err := send(); err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	mails, err := s.Emails(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != 1 {
		t.Fatalf("store has %d mails; want 1", len(mails))
	}
	m := mails[0]
	if m.From != "Acme <no-reply@acme.example>" || m.Subject != "Ihr Code" || m.Body.HTML != "<p>Code 123456</p>" || m.Body.Text != "Code 123456" ||
		len(m.Destination.To) != 1 || m.Destination.To[0] != "user@example.com" {
		t.Fatalf("stored mail = %+v", m)
	}
	s.Stop()
	if err := send(); err == nil {
		t.Fatal("SendEmail succeeded with the emulator stopped")
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if mails, _ := s.Emails(ctx); len(mails) != 0 {
		t.Fatalf("a restarted emulator has %d mails; want an empty store", len(mails))
	}
	if err := send(); err != nil {
		t.Fatalf("SendEmail after Start: %v", err)
	}
	if err := s.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	if mails, _ := s.Emails(ctx); len(mails) != 0 {
		t.Fatalf("store has %d mails after Clear; want 0", len(mails))
	}
}
