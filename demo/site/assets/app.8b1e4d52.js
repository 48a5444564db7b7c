// Demo SPA: renders the API's answer, fetched same-origin through the distribution.
document.getElementById("route-path").textContent = location.pathname;
const out = document.getElementById("api-result");
fetch("/api/hello")
  .then(async (r) => {
    const body = await r.json();
    out.textContent = `${r.status} ${body.message}\nx-cache: ${r.headers.get("x-cache")}\nforwarded proto: ${body.seen["x-forwarded-proto"]}`;
    out.dataset.status = String(r.status);
  })
  .catch((e) => {
    out.textContent = `API call failed: ${e}`;
    out.dataset.status = "error";
  });
