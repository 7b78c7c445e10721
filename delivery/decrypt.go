package delivery

import (
	"context"
	"fmt"

	mpl "github.com/aws/aws-cryptographic-material-providers-library/releases/go/mpl/awscryptographymaterialproviderssmithygenerated"
	mpltypes "github.com/aws/aws-cryptographic-material-providers-library/releases/go/mpl/awscryptographymaterialproviderssmithygeneratedtypes"
	esdk "github.com/aws/aws-encryption-sdk/releases/go/encryption-sdk/awscryptographyencryptionsdksmithygenerated"
	esdktypes "github.com/aws/aws-encryption-sdk/releases/go/encryption-sdk/awscryptographyencryptionsdksmithygeneratedtypes"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// Decrypter turns request.code's ciphertext (already base64-decoded) into the code.
type Decrypter interface {
	Decrypt(ctx context.Context, ciphertext []byte) ([]byte, error)
}

// KMSDecrypter decrypts with AWS's Go port of the Encryption SDK and a strict KMS keyring: only
// messages whose data key is wrapped by that one key decrypt; the SDK never asks KMS about another.
type KMSDecrypter struct {
	client  *esdk.Client
	keyring mpltypes.IKeyring
}

// NewKMSDecrypter builds the SDK client and the keyring once (at cold start). The commitment policy
// allows messages without key commitment: Cognito does not document its algorithm suite, and the
// strict keyring already pins the key.
func NewKMSDecrypter(ctx context.Context, kmsClient *kms.Client, keyARN string) (*KMSDecrypter, error) {
	if keyARN == "" {
		return nil, fmt.Errorf("KMS key ARN is empty")
	}
	keyring, err := newKeyring(ctx, kmsClient, keyARN)
	if err != nil {
		return nil, err
	}
	policy := mpltypes.ESDKCommitmentPolicyRequireEncryptAllowDecrypt
	client, err := esdk.NewClient(esdktypes.AwsEncryptionSdkConfig{CommitmentPolicy: &policy})
	if err != nil {
		return nil, fmt.Errorf("encryption SDK client: %w", err)
	}
	return &KMSDecrypter{client: client, keyring: keyring}, nil
}

func newKeyring(ctx context.Context, kmsClient *kms.Client, keyARN string) (mpltypes.IKeyring, error) {
	mp, err := mpl.NewClient(mpltypes.MaterialProvidersConfig{})
	if err != nil {
		return nil, fmt.Errorf("material providers: %w", err)
	}
	kr, err := mp.CreateAwsKmsKeyring(ctx, mpltypes.CreateAwsKmsKeyringInput{KmsClient: kmsClient, KmsKeyId: keyARN})
	if err != nil {
		return nil, fmt.Errorf("KMS keyring for %s: %w", keyARN, err)
	}
	return kr, nil
}

// Decrypt implements Decrypter. Its errors come from the SDK and KMS and never contain the plaintext.
func (d *KMSDecrypter) Decrypt(ctx context.Context, ciphertext []byte) ([]byte, error) {
	out, err := d.client.Decrypt(ctx, esdktypes.DecryptInput{Ciphertext: ciphertext, Keyring: d.keyring})
	if err != nil {
		return nil, err
	}
	return out.Plaintext, nil
}

// Encrypter encrypts the way Cognito does, for tests and `make invoke` samples.
type Encrypter struct{ d *KMSDecrypter }

// NewEncrypter builds an Encrypter under keyARN.
func NewEncrypter(ctx context.Context, kmsClient *kms.Client, keyARN string) (*Encrypter, error) {
	d, err := NewKMSDecrypter(ctx, kmsClient, keyARN)
	if err != nil {
		return nil, err
	}
	return &Encrypter{d}, nil
}

// Encrypt returns an Encryption SDK message of plaintext.
func (e *Encrypter) Encrypt(ctx context.Context, plaintext []byte) ([]byte, error) {
	out, err := e.d.client.Encrypt(ctx, esdktypes.EncryptInput{Plaintext: plaintext, Keyring: e.d.keyring})
	if err != nil {
		return nil, err
	}
	return out.Ciphertext, nil
}
