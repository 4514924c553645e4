// Usage: node amino.mjs '<json>'
//   {"scenario":"wallet","rpc","mnemonic","denom","recipient","validator"}
//   {"scenario":"transfer","rpc","mnemonic","denom","receiver","channel","amount"}
// Signs like a Ledger or Keplr's amino signer: stock cosmjs with an amino-only wallet
// (Secp256k1HdWallet), so every tx below is SIGN_MODE_LEGACY_AMINO_JSON, except the one the
// "wallet" scenario signs with a direct wallet of the same mnemonic. rmesh's own messages go
// through an AminoTypes converter written here, as a dApp would write it. Prints one JSON line;
// exits non-zero on any failure.
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { decodeTxRaw, DirectSecp256k1HdWallet, Registry } from "@cosmjs/proto-signing";
import {
  AminoTypes,
  createDefaultAminoConverters,
  defaultRegistryTypes,
  GasPrice,
  SigningStargateClient,
  StargateClient,
} from "@cosmjs/stargate";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";

const args = JSON.parse(process.argv[2]);
const { rpc, mnemonic, denom } = args;

// rmesh.vault.v1.MsgBond { string owner = 1; string amount = 2; }
const MsgBond = {
  fromPartial: (object) => ({ owner: object.owner ?? "", amount: object.amount ?? "" }),
  encode(message, writer = BinaryWriter.create()) {
    if (message.owner !== "") writer.uint32(10).string(message.owner);
    if (message.amount !== "") writer.uint32(18).string(message.amount);
    return writer;
  },
  decode(input, length) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const end = length === undefined ? reader.len : reader.pos + length;
    const message = { owner: "", amount: "" };
    while (reader.pos < end) {
      const tag = reader.uint32();
      switch (tag >>> 3) {
        case 1: message.owner = reader.string(); break;
        case 2: message.amount = reader.string(); break;
        default: reader.skipType(tag & 7);
      }
    }
    return message;
  },
};
const BOND_URL = "/rmesh.vault.v1.MsgBond";
const registry = new Registry([...defaultRegistryTypes, [BOND_URL, MsgBond]]);
const aminoTypes = new AminoTypes({
  ...createDefaultAminoConverters(),
  [BOND_URL]: {
    aminoType: "rmesh/vault/MsgBond",
    toAmino: ({ owner, amount }) => ({ owner, amount }),
    fromAmino: ({ owner, amount }) => ({ owner, amount }),
  },
});
const options = { registry, aminoTypes, gasPrice: GasPrice.fromString(`0.0025${denom}`) };

const aminoWallet = await Secp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "rmesh" });
const [account] = await aminoWallet.getAccounts();
const me = account.address;
const reader = await StargateClient.connect(rpc);
const client = await SigningStargateClient.connectWithSigner(rpc, aminoWallet, options);

/// What the chain recorded for a tx: its code and how its signer signed.
async function outcome(result) {
  const indexed = await reader.getTx(result.transactionHash);
  const modes = decodeTxRaw(indexed.tx).authInfo.signerInfos.map((info) => Number(info.modeInfo.single.mode));
  return { code: result.code, hash: result.transactionHash, height: result.height, modes, log: result.rawLog ?? "" };
}

async function waitBlocks(n) {
  const start = await reader.getHeight();
  while ((await reader.getHeight()) < start + n) await new Promise((r) => setTimeout(r, 200));
}

const report = { address: me, steps: {} };
if (args.scenario === "wallet") {
  const { recipient, validator } = args;
  const coin = (amount) => ({ denom, amount: String(amount) });
  const steps = report.steps;
  steps.send = await outcome(await client.sendTokens(me, recipient, [coin(1111)], "auto", "amino send"));
  steps.delegate = await outcome(await client.delegateTokens(me, validator, coin(2000000), "auto"));
  await waitBlocks(3);
  const beforeWithdraw = (await reader.getBalance(me, denom)).amount;
  const withdrawn = await client.withdrawRewards(me, validator, "auto");
  steps.withdraw = await outcome(withdrawn);
  report.withdraw = {
    before: beforeWithdraw,
    after: (await reader.getBalance(me, denom)).amount,
    events: withdrawn.events.filter((e) => e.type === "withdraw_rewards"),
  };
  steps.bond = await outcome(
    await client.signAndBroadcast(me, [{ typeUrl: BOND_URL, value: { owner: me, amount: "3000000" } }], "auto"),
  );
  steps.multi = await outcome(
    await client.signAndBroadcast(
      me,
      [
        { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: me, toAddress: recipient, amount: [coin(222)] } },
        {
          typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
          value: { delegatorAddress: me, validatorAddress: validator, amount: coin(1000000) },
        },
        { typeUrl: BOND_URL, value: { owner: me, amount: "1000" } },
      ],
      "auto",
      "three messages, one amino signature",
    ),
  );
  // The mixed pair: a direct-signed tx, then an amino-signed one, from the same account.
  const directWallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "rmesh" });
  const direct = await SigningStargateClient.connectWithSigner(rpc, directWallet, options);
  steps.direct = await outcome(await direct.sendTokens(me, recipient, [coin(333)], "auto", "direct"));
  steps.aminoAfterDirect = await outcome(await client.sendTokens(me, recipient, [coin(444)], "auto", "amino again"));
  const delegation = await reader.getDelegation(me, validator);
  report.delegation = delegation ? delegation.amount : "0";
  report.recipientBalance = (await reader.getBalance(recipient, denom)).amount;
} else if (args.scenario === "transfer") {
  const { receiver, channel, amount } = args;
  const timeout = Math.floor(Date.now() / 1000) + 600;
  const result = await client.sendIbcTokens(me, receiver, { denom, amount }, "transfer", channel, undefined, timeout, "auto", "amino ics20");
  report.steps.transfer = await outcome(result);
} else {
  throw new Error(`unknown scenario ${args.scenario}`);
}
report.balance = (await reader.getBalance(me, denom)).amount;
console.log(JSON.stringify(report));
const failed = Object.values(report.steps).some((step) => step.code !== 0);
process.exit(failed ? 1 : 0);
