// Usage: node send.mjs <rpc-url> <mnemonic> <recipient> <amount> <denom>
// Reads the sender's balance, sends tokens with SigningStargateClient and prints one JSON line
// with what a wallet would show. Exits non-zero on any failure.
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";

const [rpc, mnemonic, recipient, amount, denom] = process.argv.slice(2);
const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "rmesh" });
const [account] = await wallet.getAccounts();

const reader = await StargateClient.connect(rpc);
const chainId = await reader.getChainId();
const before = await reader.getBalance(account.address, denom);

const client = await SigningStargateClient.connectWithSigner(rpc, wallet, {
  gasPrice: GasPrice.fromString(`0.0025${denom}`),
});
const result = await client.sendTokens(account.address, recipient, [{ denom, amount }], "auto", "sent by cosmjs");
const after = await reader.getBalance(account.address, denom);
const received = await reader.getBalance(recipient, denom);

console.log(JSON.stringify({
  chainId,
  sender: account.address,
  code: result.code,
  height: result.height,
  txhash: result.transactionHash,
  gasUsed: String(result.gasUsed),
  before: before.amount,
  after: after.amount,
  recipientBalance: received.amount,
}));
process.exit(result.code === 0 ? 0 : 1);
