/* global window */
// Starts Swagger UI on /openapi.json. Served from Firebreak itself: no outside request (validatorUrl: null
// keeps Swagger UI from sending the document to its online validator).

// Swagger UI 5.33 and later virtualize the operation list once tags and operations together reach 150:
// only what is in the viewport is in the page, so the reference looked cut off after two tags, the
// browser's find-in-page could not find an operation further down, and printing lost most of the API.
// Firebreak's API is far below the size virtualization is for (its plan names 500 to 1000+ operations),
// so this plugin puts back Swagger UI's own full-list rendering (the path it still takes below the
// threshold), built from the same components: every tag and every operation is in the page.
function fullOperationList(system) {
  const h = system.React.createElement;
  function Operations({ specSelectors, getComponent, oas3Selectors, layoutSelectors, layoutActions, getConfigs }) {
    const tagged = specSelectors.taggedOperations();
    if (tagged.size === 0) return h('h3', null, 'No operations defined in spec!');
    const methods = specSelectors.validOperationMethods();
    const OperationTag = getComponent('OperationTag');
    const OperationContainer = getComponent('OperationContainer', true);
    return h(
      'div',
      null,
      tagged
        .map((tagObj, tag) =>
          h(
            OperationTag,
            {
              key: `operation-${tag}`,
              tagObj,
              tag,
              oas3Selectors,
              layoutSelectors,
              layoutActions,
              getConfigs,
              getComponent,
              specUrl: specSelectors.url(),
            },
            h(
              'div',
              { className: 'operation-tag-content' },
              tagObj
                .get('operations')
                .map((op) => {
                  const path = op.get('path');
                  const method = op.get('method');
                  if (!methods.includes(method)) return null;
                  return h(OperationContainer, { key: `${path}-${method}`, specPath: op.get('specPath'), op, path, method, tag });
                })
                .toArray(),
            ),
          ),
        )
        .valueSeq()
        .toArray(),
    );
  }
  return { components: { operations: Operations } };
}

window.addEventListener('DOMContentLoaded', () => {
  window.ui = window.SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#api-reference',
    deepLinking: true,
    validatorUrl: null,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    tryItOutEnabled: false,
    persistAuthorization: false,
    plugins: [fullOperationList],
  });
});
