"use strict";
exports.id = 192;
exports.ids = [192];
exports.modules = {

/***/ 33192:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   actionsCacheStore: () => (/* binding */ actionsCacheStore)
/* harmony export */ });
/* harmony import */ var _actions_cache__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5116);
/* harmony import */ var _actions_cache__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(_actions_cache__WEBPACK_IMPORTED_MODULE_0__);

/** The runner's cache service through `@actions/cache`; unavailable outside a workflow run. */
const actionsCacheStore = {
    available: () => _actions_cache__WEBPACK_IMPORTED_MODULE_0__.isFeatureAvailable(),
    restore: (dir, key, restoreKeys) => _actions_cache__WEBPACK_IMPORTED_MODULE_0__.restoreCache([dir], key, [...restoreKeys]),
    save: async (dir, key) => {
        await _actions_cache__WEBPACK_IMPORTED_MODULE_0__.saveCache([dir], key);
    },
};


/***/ })

};
;