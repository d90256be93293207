// Tencent Cloud's official Node.js SDK (tencentcloud-sdk-nodejs, pinned in package.json
// and package-lock.json) against the vpc-mock binary, as a user points it at a local
// endpoint: `endpoint: "127.0.0.1:PORT"`, `protocol: "http://"`, nothing else changed.
//
// Usage: node scenario.js http://127.0.0.1:PORT [--secret-id ID] [--secret-key KEY]
//        [--region REGION] [--web-identity PROVIDER:TOKEN]
//
// The mock must serve STS too (the binary's default) and accept the web identity given
// here (`vpc-mock --web-identity OIDC:node-sdk-oidc-token`, the default here). The SDK is
// found through NODE_PATH (`cargo xtask node-sdk` installs it with `npm ci` under the
// target directory). Prints one line per case and closes with
// `node-sdk: N passed, N failed`; the exit status is 1 when any case failed.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const tencentcloud = require("tencentcloud-sdk-nodejs");

const VpcClient = tencentcloud.vpc.v20170312.Client;
const StsClient = tencentcloud.sts.v20180813.Client;
// The credential providers, by the path the SDK's README uses for CvmRoleCredential.
const {
  STSCredential,
  OIDCRoleArnCredential,
} = require("tencentcloud-sdk-nodejs/tencentcloud/common/credential");

function options(argv) {
  const out = {
    url: null,
    secretId: "AKIDLOCALMOCKEXAMPLE",
    secretKey: "local-mock-secret-key",
    region: "ap-guangzhou",
    webIdentity: "OIDC:node-sdk-oidc-token",
  };
  const names = {
    "--secret-id": "secretId",
    "--secret-key": "secretKey",
    "--region": "region",
    "--web-identity": "webIdentity",
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (names[arg] !== undefined) {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      out[names[arg]] = argv[++i];
    } else if (out.url === null && !arg.startsWith("--")) {
      out.url = arg;
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  if (out.url === null) throw new Error("usage: node scenario.js http://127.0.0.1:PORT [options]");
  return out;
}

const opts = options(process.argv.slice(2));
const url = new URL(opts.url);
// What a user writes: the endpoint is host:port, the protocol apart.
const profile = { httpProfile: { endpoint: url.host, protocol: `${url.protocol}//` } };
const credential = { secretId: opts.secretId, secretKey: opts.secretKey };
const vpc = new VpcClient({ credential, region: opts.region, profile });

let passed = 0;
let failed = 0;

async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed++;
    const code = error && error.code ? ` [${error.code}]` : "";
    console.log(`FAIL ${name}: ${error && error.message ? error.message : error}${code}`);
  }
}

function expect(condition, what) {
  if (!condition) throw new Error(what);
}

function equal(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

// The call must fail with `code`; returns the error.
async function refused(call, code) {
  try {
    const answer = await call();
    throw new Error(`expected ${code}, got a success: ${JSON.stringify(answer)}`);
  } catch (error) {
    if (error.code !== code) throw error;
    expect(error.requestId, `${code} carries a RequestId`);
    return error;
  }
}

function tags(set) {
  return (set || []).map((tag) => `${tag.Key}=${tag.Value}`).sort();
}

async function main() {
  const run = Date.now().toString(36);
  const vpcName = `节点测试网络-${run}`;
  const subnetName = `子网-${run}`;
  const wanted = ["run=" + run, "团队=网络组"].sort();
  let vpcId = null;
  let subnetId = null;

  await check("CreateVpc with a Chinese name and tags", async () => {
    const answer = await vpc.CreateVpc({
      VpcName: vpcName,
      CidrBlock: "10.8.0.0/16",
      Tags: [
        { Key: "团队", Value: "网络组" },
        { Key: "run", Value: run },
      ],
    });
    expect(answer.RequestId, "a RequestId");
    vpcId = answer.Vpc.VpcId;
    expect(/^vpc-[0-9a-z]{8}$/.test(vpcId), `a VPC ID, got ${vpcId}`);
    equal(answer.Vpc.VpcName, vpcName, "VpcName");
    equal(answer.Vpc.CidrBlock, "10.8.0.0/16", "CidrBlock");
  });

  await check("CreateSubnet in it", async () => {
    const answer = await vpc.CreateSubnet({
      VpcId: vpcId,
      SubnetName: subnetName,
      CidrBlock: "10.8.1.0/24",
      Zone: `${opts.region}-3`,
    });
    subnetId = answer.Subnet.SubnetId;
    expect(/^subnet-[0-9a-z]{8}$/.test(subnetId), `a subnet ID, got ${subnetId}`);
    equal(answer.Subnet.VpcId, vpcId, "the subnet's VpcId");
    equal(answer.Subnet.SubnetName, subnetName, "SubnetName");
  });

  await check("DescribeVpcs filtered by vpc-name lists it, with its tags", async () => {
    const answer = await vpc.DescribeVpcs({ Filters: [{ Name: "vpc-name", Values: [vpcName] }] });
    equal(answer.TotalCount, 1, "TotalCount");
    equal(answer.VpcSet.map((v) => v.VpcId), [vpcId], "the VPCs listed");
    equal(answer.VpcSet[0].VpcName, vpcName, "VpcName");
    equal(tags(answer.VpcSet[0].TagSet), wanted, "TagSet");
  });

  await check("DescribeVpcs filtered by tag:团队 and by another name", async () => {
    const byTag = await vpc.DescribeVpcs({ Filters: [{ Name: "tag:团队", Values: ["网络组"] }] });
    expect(byTag.VpcSet.some((v) => v.VpcId === vpcId), "the tag filter finds it");
    const other = await vpc.DescribeVpcs({ Filters: [{ Name: "vpc-name", Values: [`其他-${run}`] }] });
    equal(other.TotalCount, 0, "another name's TotalCount");
    equal(other.VpcSet, [], "another name's VpcSet");
  });

  await check("DescribeSubnets filtered by vpc-id", async () => {
    const answer = await vpc.DescribeSubnets({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] });
    equal(answer.TotalCount, 1, "TotalCount");
    equal(answer.SubnetSet.map((s) => s.SubnetId), [subnetId], "the subnets listed");
  });

  await check("DeleteVpc with a subnet in it is refused (ResourceInUse)", async () => {
    await refused(() => vpc.DeleteVpc({ VpcId: vpcId }), "ResourceInUse");
    const still = await vpc.DescribeVpcs({ VpcIds: [vpcId] });
    equal(still.TotalCount, 1, "the VPC is still there");
  });

  await check("a wrong SecretKey is refused (AuthFailure.SignatureFailure)", async () => {
    const wrong = new VpcClient({
      credential: { secretId: opts.secretId, secretKey: `${opts.secretKey}-wrong` },
      region: opts.region,
      profile,
    });
    await refused(() => wrong.DescribeVpcs({}), "AuthFailure.SignatureFailure");
  });

  await check("clean-up: DeleteSubnet, DeleteVpc, then it is gone", async () => {
    await vpc.DeleteSubnet({ SubnetId: subnetId });
    await vpc.DeleteVpc({ VpcId: vpcId });
    const gone = await vpc.DescribeVpcs({ Filters: [{ Name: "vpc-name", Values: [vpcName] }] });
    equal(gone.TotalCount, 0, "TotalCount after the delete");
  });

  // STS on the same endpoint: AssumeRole, the SDK's own STS credential, and TKE's OIDC
  // flow (AssumeRoleWithWebIdentity, unsigned) from its environment variables.
  const roleArn = "qcs::cam::uin/100000000001:roleName/node-sdk-check";

  await check("STS AssumeRole issues temporary credentials", async () => {
    const sts = new StsClient({ credential, region: opts.region, profile });
    const answer = await sts.AssumeRole({ RoleArn: roleArn, RoleSessionName: "node-sdk" });
    expect(answer.Credentials.TmpSecretId, "a TmpSecretId");
    expect(answer.Credentials.TmpSecretKey, "a TmpSecretKey");
    expect(answer.Credentials.Token, "a Token");
    expect(answer.ExpiredTime * 1000 > Date.now(), `an ExpiredTime ahead, got ${answer.ExpiredTime}`);
  });

  await check("a VPC call signed with the SDK's STSCredential (token sent)", async () => {
    const provider = new STSCredential(
      { credential, region: opts.region, profile },
      { RoleArn: roleArn, RoleSessionName: "node-sdk-provider" },
    );
    const temporary = await provider.getCredential();
    expect(temporary.token && temporary.secretId !== opts.secretId, "temporary credentials");
    const client = new VpcClient({ credential: provider, region: opts.region, profile });
    const answer = await client.DescribeVpcs({});
    expect(answer.RequestId, "a RequestId");
  });

  await check("TKE OIDC: OIDCRoleArnCredential from TKE_* variables", async () => {
    const split = opts.webIdentity.indexOf(":");
    expect(split > 0, `--web-identity PROVIDER:TOKEN, got ${opts.webIdentity}`);
    const tokenFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vpc-mock-node-")), "token");
    fs.writeFileSync(tokenFile, opts.webIdentity.slice(split + 1));
    process.env.TKE_REGION = opts.region;
    process.env.TKE_PROVIDER_ID = opts.webIdentity.slice(0, split);
    process.env.TKE_WEB_IDENTITY_TOKEN_FILE = tokenFile;
    process.env.TKE_ROLE_ARN = roleArn;
    try {
      const provider = new OIDCRoleArnCredential({ profile });
      const client = new VpcClient({ credential: provider, region: opts.region, profile });
      const answer = await client.DescribeVpcs({});
      expect(answer.RequestId, "a RequestId");
      // A token the endpoint was not given is refused.
      fs.writeFileSync(tokenFile, "not-the-token");
      const stranger = new OIDCRoleArnCredential({ profile });
      let refusedToken = false;
      try {
        await stranger.getCredential();
      } catch (error) {
        refusedToken = /WebIdentityTokenError|token/i.test(String(error.message));
      }
      expect(refusedToken, "an unknown web-identity token is refused");
    } finally {
      fs.rmSync(path.dirname(tokenFile), { recursive: true, force: true });
    }
  });
}

main()
  .catch((error) => {
    failed++;
    console.log(`FAIL the scenario stopped: ${error && error.stack ? error.stack : error}`);
  })
  .finally(() => {
    console.log(`node-sdk: ${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  });
