import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import * as aws from "@cdktf/provider-aws";

export class S extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const rawBucket = new aws.s3Bucket.S3Bucket(this, `r
x-raw`, { bucket: "b", lifecycle: { preventDestroy: true } });
    new aws.s3BucketVersioning.S3BucketVersioningA(this, "r\nx-raw-versioning", {
      bucket: rawBucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    const rawBucketPublicAccessBlock = new aws.s3BucketPublicAccessBlock.S3BucketPublicAccessBlock(this, "r\nx-raw-public-access-block", {
      bucket: rawBucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new aws.s3BucketPolicy.S3BucketPolicy(this, "r\nx-raw-policy", {
      bucket: rawBucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [rawBucket.arn, `${rawBucket.arn}/*`],
            Condition: {
              Bool: { "aws:SecureTransport": "false" },
            },
          },
        ],
      }),
      dependsOn: [rawBucketPublicAccessBlock],
    });
  }
}
