/*
 * admin.js: the admin console's enhancements; every page works without it.
 * Copy buttons (data-copy names the field) use the clipboard, or select the
 * text for the person to copy; forms with data-confirm ask in a <dialog>
 * first and then send confirm=yes (without JavaScript the server asks on a
 * page of its own); a download button turns a hidden CSV into a file.
 */
(function () {
	"use strict";

	function status(btn, text) {
		var s = btn.parentNode.querySelector(".copy-status");
		if (s)
			s.textContent = text;
	}

	function copy(btn) {
		var field = document.getElementById(btn.getAttribute("data-copy"));
		if (!field)
			return;
		var text = field.value !== undefined ? field.value : field.textContent;
		var fallback = function () {
			field.focus();
			if (field.select)
				field.select();
			status(btn, "Selected: press Ctrl+C (⌘C) to copy.");
		};
		if (navigator.clipboard && navigator.clipboard.writeText)
			navigator.clipboard.writeText(text).then(function () {
				status(btn, "Copied.");
			}, fallback);
		else
			fallback();
	}

	function confirmForms(dialog) {
		var pending = null;
		var text = dialog.querySelector(".confirm-dialog-text");
		dialog.querySelector(".confirm-yes").addEventListener("click",
		    function () {
			var f = pending;
			dialog.close();
			if (!f)
				return;
			var c = document.createElement("input");
			c.type = "hidden";
			c.name = "confirm";
			c.value = "yes";
			f.appendChild(c);
			f.removeAttribute("data-confirm");
			f.submit();
		});
		dialog.querySelector(".confirm-no").addEventListener("click",
		    function () {
			pending = null;
			dialog.close();
		});
		document.querySelectorAll("form[data-confirm]").forEach(
		    function (f) {
			f.addEventListener("submit", function (e) {
				if (!f.hasAttribute("data-confirm"))
					return;
				e.preventDefault();
				pending = f;
				text.textContent = f.getAttribute("data-confirm");
				dialog.showModal();
				dialog.querySelector(".confirm-no").focus();
			});
		});
	}

	function download(btn) {
		var src = document.getElementById(btn.getAttribute("data-download"));
		if (!src)
			return;
		var blob = new Blob([src.value], { type: "text/csv" });
		var a = document.createElement("a");
		a.href = URL.createObjectURL(blob);
		a.download = btn.getAttribute("data-filename") || "passwords.csv";
		document.body.appendChild(a);
		a.click();
		a.remove();
	}

	function init() {
		document.querySelectorAll("button[data-copy]").forEach(
		    function (b) {
			b.hidden = false;
			b.addEventListener("click", function () { copy(b); });
		});
		document.querySelectorAll("button[data-download]").forEach(
		    function (b) {
			b.hidden = false;
			b.addEventListener("click", function () { download(b); });
		});
		var dialog = document.querySelector("dialog.confirm-dialog");
		if (dialog && typeof dialog.showModal === "function")
			confirmForms(dialog);
	}

	if (document.readyState === "loading")
		document.addEventListener("DOMContentLoaded", init);
	else
		init();
})();
