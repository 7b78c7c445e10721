// The Node.js comparator of `make coldstart-sender`: a custom email sender written the way AWS's
// Cognito sample does it (the developer guide's CustomEmailSender example): @aws-crypto/client-node
// with a KMS keyring on KMS_KEY_ARN, then one SES v2 SendEmail with the code. Endpoints and region
// come from the SDK's own environment (AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL_SESV2, AWS_REGION).
const { buildClient, CommitmentPolicy, KmsKeyringNode } = require("@aws-crypto/client-node");
const { SESv2Client, SendEmailCommand } = require("@aws-sdk/client-sesv2");

const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const keyring = new KmsKeyringNode({ keyIds: [process.env.KMS_KEY_ARN] });
const ses = new SESv2Client({});

exports.handler = async (event) => {
  const { plaintext } = await decrypt(keyring, Buffer.from(event.request.code, "base64"));
  const code = plaintext.toString();
  await ses.send(new SendEmailCommand({
    FromEmailAddress: process.env.EMAIL_FROM,
    Destination: { ToAddresses: [event.request.userAttributes.email] },
    Content: { Simple: {
      Subject: { Data: "Your verification code" },
      Body: { Html: { Data: `<p>Your code is ${code}</p>` }, Text: { Data: `Your code is ${code}` } },
    } },
  }));
  return {};
};
