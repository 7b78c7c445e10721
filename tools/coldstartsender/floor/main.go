// Command floor is the Go floor of `make coldstart-sender`: the least a Go custom email sender can
// do — decrypt request.code with the AWS Encryption SDK and a KMS keyring strict to KMS_KEY_ARN, and
// send one SES v2 email with it — with no templates, locales or brands. Built like the sender.
package main

import (
	"context"
	"encoding/base64"
	"errors"
	"log"
	"os"

	mpl "github.com/aws/aws-cryptographic-material-providers-library/releases/go/mpl/awscryptographymaterialproviderssmithygenerated"
	mpltypes "github.com/aws/aws-cryptographic-material-providers-library/releases/go/mpl/awscryptographymaterialproviderssmithygeneratedtypes"
	esdk "github.com/aws/aws-encryption-sdk/releases/go/encryption-sdk/awscryptographyencryptionsdksmithygenerated"
	esdktypes "github.com/aws/aws-encryption-sdk/releases/go/encryption-sdk/awscryptographyencryptionsdksmithygeneratedtypes"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

type event struct {
	Request struct {
		Code           string            `json:"code"`
		UserAttributes map[string]string `json:"userAttributes"`
	} `json:"request"`
}

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	providers, err := mpl.NewClient(mpltypes.MaterialProvidersConfig{})
	if err != nil {
		log.Fatal(err)
	}
	keyring, err := providers.CreateAwsKmsKeyring(ctx, mpltypes.CreateAwsKmsKeyringInput{
		KmsClient: kms.NewFromConfig(cfg), KmsKeyId: os.Getenv("KMS_KEY_ARN"),
	})
	if err != nil {
		log.Fatal(err)
	}
	crypto, err := esdk.NewClient(esdktypes.AwsEncryptionSdkConfig{})
	if err != nil {
		log.Fatal(err)
	}
	ses := sesv2.NewFromConfig(cfg)
	from := os.Getenv("EMAIL_FROM")
	lambda.Start(func(ctx context.Context, e event) (struct{}, error) {
		ciphertext, err := base64.StdEncoding.DecodeString(e.Request.Code)
		if err != nil {
			return struct{}{}, errors.New("code is not base64")
		}
		plain, err := crypto.Decrypt(ctx, esdktypes.DecryptInput{Ciphertext: ciphertext, Keyring: keyring})
		if err != nil {
			return struct{}{}, err
		}
		code := string(plain.Plaintext)
		_, err = ses.SendEmail(ctx, &sesv2.SendEmailInput{
			FromEmailAddress: aws.String(from),
			Destination:      &sestypes.Destination{ToAddresses: []string{e.Request.UserAttributes["email"]}},
			Content: &sestypes.EmailContent{Simple: &sestypes.Message{
				Subject: &sestypes.Content{Data: aws.String("Your verification code")},
				Body: &sestypes.Body{
					Html: &sestypes.Content{Data: aws.String("<p>Your code is " + code + "</p>")},
					Text: &sestypes.Content{Data: aws.String("Your code is " + code)},
				},
			}},
		})
		return struct{}{}, err
	})
}
