// The leanest Lambda Runtime API loop for index.js (what a custom runtime's bootstrap does, without
// the Node.js managed runtime's extras): GET the next event, run the handler, POST its result or
// error. It is what `make coldstart-sender` execs as the Node.js function.
const http = require("http");
const { handler } = require("./index.js");

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const base = "/2018-06-01/runtime/invocation/";
const agent = new http.Agent({ keepAlive: true });

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

(async () => {
  for (;;) {
    const next = await call("GET", base + "next");
    const id = next.headers["lambda-runtime-aws-request-id"];
    try {
      const result = await handler(JSON.parse(next.body));
      await call("POST", base + id + "/response", JSON.stringify(result));
    } catch (e) {
      await call("POST", base + id + "/error", JSON.stringify({ errorType: e.name, errorMessage: e.message }));
    }
  }
})();
